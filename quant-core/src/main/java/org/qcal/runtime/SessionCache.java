package org.qcal.runtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loaded ORT session per JVM per (model digest, {@link RuntimeOptions}), shared by every
 * task of an executor. Thread safe; a model is loaded exactly once even when many tasks ask at
 * the same moment, and a failed load is not cached: the next caller tries again (as a Spark task
 * retry would).
 *
 * <p><b>Lifetime: kept until JVM exit, unless evicted.</b> Reference counting alone would close
 * the session whenever an executor happens to run no task of the model, e.g. between two waves of
 * tasks or between the two passes of a calibration, and then load it again: each load costs the
 * graph optimization time and makes loads per executor unpredictable, where the cluster tests
 * assert exactly one. So sessions stay; open runners are counted only so that {@link
 * #evict(String)} (for drivers and long-lived notebook JVMs that go through many models) never
 * closes a session under a running task: an evicted session closes when its last runner closes.
 * Nothing closes sessions at JVM exit: the process frees native memory anyway, and closing from a
 * shutdown hook could race a task still running.
 */
public final class SessionCache {
  private static final Logger LOG = LoggerFactory.getLogger(SessionCache.class);

  private record Key(String digest, RuntimeOptions options) {}

  private static final Map<Key, Slot> SLOTS = new ConcurrentHashMap<>();
  private static final Map<String, AtomicLong> LOADS = new ConcurrentHashMap<>();

  private SessionCache() {}

  /** How many times a model with this digest was loaded in this JVM (any options). */
  public static long loadCount(String digest) {
    AtomicLong n = LOADS.get(digest);
    return n == null ? 0 : n.get();
  }

  /** True if a session of this digest is currently cached. */
  public static boolean isCached(String digest) {
    return SLOTS.keySet().stream().anyMatch(k -> k.digest().equals(digest));
  }

  /**
   * The model's inputs and outputs. Loads the model into the cache if needed (a driver that
   * checks shapes first then shares the session with local-mode executors).
   */
  public static ModelSignature signature(ModelSource source, RuntimeOptions options) {
    LoadedModel model = acquire(source, options);
    try {
      return model.signature();
    } finally {
      release(model);
    }
  }

  /**
   * Drops every cached session of this digest. Each closes now if no runner uses it, else when
   * its last runner closes. Returns how many sessions were dropped.
   */
  public static int evict(String digest) {
    int n = 0;
    for (Map.Entry<Key, Slot> e : SLOTS.entrySet()) {
      if (e.getKey().digest().equals(digest) && SLOTS.remove(e.getKey(), e.getValue())) {
        e.getValue().evict();
        n++;
      }
    }
    return n;
  }

  /** The shared session, loading it on first use; pair every call with {@link #release}. */
  static LoadedModel acquire(ModelSource source, RuntimeOptions options) {
    Key key = new Key(source.digest(), options);
    while (true) {
      Slot slot = SLOTS.computeIfAbsent(key, k -> new Slot());
      LoadedModel model;
      try {
        model = slot.acquire(source, options);
      } catch (RuntimeException e) {
        SLOTS.remove(key, slot); // the slot retired itself; the next caller loads afresh
        throw e;
      }
      if (model != null) {
        return model;
      }
      SLOTS.remove(key, slot); // evicted between lookup and acquire: take a fresh slot
    }
  }

  /** Ends one use of a session from {@link #acquire}. */
  static void release(LoadedModel model) {
    model.slot().release();
  }

  private static LoadedModel load(ModelSource source, RuntimeOptions options, Slot slot) {
    long start = System.nanoTime();
    LoadedModel model = ModelLoader.load(source, options);
    model.attach(slot);
    long n = LOADS.computeIfAbsent(source.digest(), d -> new AtomicLong()).incrementAndGet();
    LOG.info("Loaded ONNX model '{}' sha256={} in {} ms (load #{} of this model in this JVM): "
            + "intra-op threads {}, inter-op 1, graph optimization {}; {}",
        source.name(), source.digest(), (System.nanoTime() - start) / 1_000_000, n,
        options.intraOpThreads(), options.optLevel(), model.signature());
    return model;
  }

  /** A cache entry: loads under its own lock, so loading one model never blocks another. */
  static final class Slot {
    private LoadedModel model;
    private int users;
    private boolean evicted;

    /** The loaded model with one more user, or null if this slot was evicted meanwhile. */
    synchronized LoadedModel acquire(ModelSource source, RuntimeOptions options) {
      if (evicted) {
        return null;
      }
      if (model == null) {
        try {
          model = load(source, options, this);
        } catch (RuntimeException e) {
          evicted = true; // threads queued on this lock retry with a fresh slot
          throw e;
        }
      }
      users++;
      return model;
    }

    synchronized void release() {
      if (users <= 0) {
        throw new IllegalStateException("session of " + model.label() + " released too often");
      }
      users--;
      closeIfUnused();
    }

    synchronized void evict() {
      evicted = true;
      closeIfUnused();
    }

    private void closeIfUnused() {
      if (evicted && users == 0 && model != null) {
        LOG.info("Closing ONNX session of {}", model.label());
        model.close();
        model = null;
      }
    }
  }
}
