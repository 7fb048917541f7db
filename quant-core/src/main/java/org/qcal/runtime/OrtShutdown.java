package org.qcal.runtime;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps ONNX Runtime's environment alive while any thread is inside ONNX Runtime.
 *
 * <p>Why: ORT's Java binding registers a JVM shutdown hook ({@code OrtEnvironment$OrtEnvCloser},
 * microsoft/onnxruntime PR #10670) that releases the native environment at JVM exit. Shutdown
 * hooks run concurrently with daemon threads, and Spark's task threads are daemons: when a job
 * fails (or the driver exits) while a sibling task is still in {@code OrtSession.run}, the hook
 * frees the environment under it and the JVM dies with SIGSEGV in {@code libonnxruntime.so}
 * (exit 134 and an {@code hs_err_pid*.log}). The binding itself says it cannot prevent this.
 *
 * <p>So every qcal call into ORT (session creation, forward, close) passes a gate: {@link
 * #enter()} fails once shutdown began, and {@link #install()} swaps ORT's hook for one that first
 * closes the gate, waits until no thread is inside (bounded by {@link #DRAIN_MILLIS}), then runs
 * ORT's own closer. Swapping needs reflective access to {@code java.lang} (Spark's launcher and
 * {@code bin/qcal} open it); without it ORT's hook stays and one line says so.
 */
public final class OrtShutdown {
  private static final Logger LOG = LoggerFactory.getLogger(OrtShutdown.class);

  /** Longest wait at exit for forwards in flight: far above one batch's forward. */
  static final long DRAIN_MILLIS = 30_000;

  private static final String ORT_CLOSER = "ai.onnxruntime.OrtEnvironment$OrtEnvCloser";
  private static final Object LOCK = new Object();
  private static int inside;
  private static boolean closed;
  private static boolean installed;

  private OrtShutdown() {}

  /** How many threads are inside ONNX Runtime now (for tests and diagnostics). */
  public static int callsInFlight() {
    synchronized (LOCK) {
      return inside;
    }
  }

  /** Enters ORT; false when the JVM is shutting down (then the caller must not call ORT). */
  static boolean enter() {
    synchronized (LOCK) {
      if (closed) {
        return false;
      }
      inside++;
      return true;
    }
  }

  /** Leaves ORT after a successful {@link #enter()}. */
  static void leave() {
    synchronized (LOCK) {
      inside--;
      if (inside == 0) {
        LOCK.notifyAll();
      }
    }
  }

  /**
   * Runs a native free ({@code close} of a session, predictor or options) inside the gate; skips
   * it once shutdown began: the process is exiting, and the environment may already be gone.
   */
  static void free(Runnable close) {
    if (!enter()) {
      return;
    }
    try {
      close.run();
    } finally {
      leave();
    }
  }

  /**
   * Closes the gate for good and waits up to {@code millis} until no thread is inside ORT.
   * Returns true when none is.
   */
  static boolean closeAndDrain(long millis) {
    long deadline = System.nanoTime() + millis * 1_000_000;
    synchronized (LOCK) {
      closed = true;
      while (inside > 0) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          return false;
        }
        try {
          LOCK.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return inside == 0;
        }
      }
      return true;
    }
  }

  /** Replaces ORT's environment-closing shutdown hook by a draining one; idempotent. */
  static void install() {
    synchronized (LOCK) {
      if (installed) {
        return;
      }
      installed = true;
    }
    List<Thread> ortHooks;
    try {
      ortHooks = ortHooks();
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.info("Cannot reorder ONNX Runtime's shutdown hook ({}): add --add-opens="
          + "java.base/java.lang=ALL-UNNAMED, else a JVM exiting during a forward may crash", e
          .toString());
      return;
    }
    for (Thread hook : ortHooks) {
      if (Runtime.getRuntime().removeShutdownHook(hook)) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> drainThenRun(hook),
            "qcal-ort-shutdown"));
      }
    }
  }

  private static void drainThenRun(Thread ortHook) {
    if (closeAndDrain(DRAIN_MILLIS)) {
      ortHook.run(); // Thread.run runs its Runnable on this thread: ORT's closer
    } else {
      // Releasing now would crash the thread still inside; the OS frees the memory anyway.
      System.err.println("qcal: a thread is still inside ONNX Runtime after "
          + DRAIN_MILLIS / 1000 + " s; leaving its environment to the OS");
    }
  }

  /** The registered shutdown hooks whose Runnable is ORT's environment closer. */
  @SuppressWarnings("unchecked")
  private static List<Thread> ortHooks() throws ReflectiveOperationException {
    Class<?> hooksClass = Class.forName("java.lang.ApplicationShutdownHooks");
    Field hooksField = hooksClass.getDeclaredField("hooks");
    hooksField.setAccessible(true);
    List<Thread> found = new ArrayList<>();
    synchronized (hooksClass) {
      Map<Thread, Thread> hooks = (Map<Thread, Thread>) hooksField.get(null);
      if (hooks == null) {
        return found; // shutdown already under way
      }
      for (Thread t : new ArrayList<>(new IdentityHashMap<>(hooks).keySet())) {
        Runnable r = runnable(t);
        if (r != null && r.getClass().getName().equals(ORT_CLOSER)) {
          found.add(t);
        }
      }
    }
    return found;
  }

  /** A thread's Runnable: {@code Thread.target} up to JDK 18, {@code Thread.holder.task} after. */
  private static Runnable runnable(Thread t) throws ReflectiveOperationException {
    try {
      Field target = Thread.class.getDeclaredField("target");
      target.setAccessible(true);
      return (Runnable) target.get(t);
    } catch (NoSuchFieldException e) {
      Field holderField = Thread.class.getDeclaredField("holder");
      holderField.setAccessible(true);
      Object holder = holderField.get(t);
      Field task = holder.getClass().getDeclaredField("task");
      task.setAccessible(true);
      return (Runnable) task.get(holder);
    }
  }
}
