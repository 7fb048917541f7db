package org.qcal.jobs.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.qcal.QcalException;

/**
 * The lock that makes one run at a time own an output folder: a file {@code .<name>.qcal-lock}
 * beside the folder, created exclusively (HDFS's create without overwrite is atomic; on the
 * local file system {@code O_EXCL} through {@link Files#createFile}; on object stores it is a
 * best effort), holding the owner's run id, host and process id. A second run on the same
 * {@code --out} is refused at its start, not after calibrating.
 *
 * <p>A run killed with {@code kill -9} cannot remove its lock, so a lock is <em>stale</em> when
 * its owner is provably gone (same host, process not alive) or when its heartbeat (the file's
 * modification time, touched every {@link #HEARTBEAT_MILLIS}) is older than {@link
 * #STALE_MILLIS}; a stale lock is taken over.
 */
final class OutputLock implements AutoCloseable {
  static final long HEARTBEAT_MILLIS = 20_000;
  static final long STALE_MILLIS = 120_000;

  private final FileSystem fs;
  private final Path file;
  private final ScheduledExecutorService heartbeat;

  private OutputLock(FileSystem fs, Path file) {
    this.fs = fs;
    this.file = file;
    this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "qcal-output-lock-heartbeat");
      t.setDaemon(true);
      return t;
    });
    heartbeat.scheduleAtFixedRate(this::touch, HEARTBEAT_MILLIS, HEARTBEAT_MILLIS,
        TimeUnit.MILLISECONDS);
  }

  /** The lock file of output folder {@code target}. */
  static Path lockFile(Path target) {
    return new Path(target.getParent(), "." + target.getName() + ".qcal-lock");
  }

  /**
   * Takes the lock of {@code target} for {@code run}, taking over a stale one. Returns whether a
   * stale lock was taken over through {@code tookOver[0]}.
   *
   * @throws QcalException when another live run holds it
   */
  static OutputLock acquire(FileSystem fs, Path target, String run, String shown,
      boolean[] tookOver) throws IOException {
    Path file = lockFile(target);
    byte[] owner = ownerBytes(run);
    if (createExclusively(fs, file, owner)) {
      return new OutputLock(fs, file);
    }
    Properties holder = read(fs, file);
    if (holder != null && !isStale(fs, file, holder)) {
      throw new QcalException("output folder " + shown + " is being written by another qcal run"
          + " (run " + holder.getProperty("run") + ", host " + holder.getProperty("host")
          + ", pid " + holder.getProperty("pid") + "; lock " + file.getName()
          + "); wait for it or choose another --out");
    }
    fs.delete(file, false);
    if (!createExclusively(fs, file, owner)) {
      throw new QcalException("output folder " + shown
          + " was claimed by another qcal run at the same moment; choose another --out");
    }
    tookOver[0] = true;
    return new OutputLock(fs, file);
  }

  private static boolean createExclusively(FileSystem fs, Path file, byte[] content)
      throws IOException {
    if ("file".equals(fs.getUri().getScheme())) {
      try {
        Files.write(Paths.get(file.toUri()), content, java.nio.file.StandardOpenOption.CREATE_NEW,
            java.nio.file.StandardOpenOption.WRITE);
        return true;
      } catch (java.nio.file.FileAlreadyExistsException e) {
        return false;
      }
    }
    try (OutputStream out = fs.create(file, false)) {
      out.write(content);
      return true;
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      // Some file systems say "already exists" with a plain IOException.
      if (fs.exists(file)) {
        return false;
      }
      throw e;
    }
  }

  private static boolean isStale(FileSystem fs, Path file, Properties holder) throws IOException {
    long age = System.currentTimeMillis() - fs.getFileStatus(file).getModificationTime();
    if (age > STALE_MILLIS) {
      return true;
    }
    if (hostName().equals(holder.getProperty("host"))) {
      try {
        long pid = Long.parseLong(holder.getProperty("pid", ""));
        return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
      } catch (NumberFormatException e) {
        return false;
      }
    }
    return false;
  }

  private static Properties read(FileSystem fs, Path file) throws IOException {
    try (InputStream in = fs.open(file)) {
      Properties p = new Properties();
      p.load(new StringReader(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      return p;
    } catch (java.io.FileNotFoundException e) {
      return null; // released between our create and this read
    }
  }

  private static byte[] ownerBytes(String run) {
    return ("run=" + run + "\nhost=" + hostName() + "\npid=" + ProcessHandle.current().pid()
        + "\nstarted=" + java.time.Instant.now() + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }

  private void touch() {
    try {
      fs.setTimes(file, System.currentTimeMillis(), -1);
    } catch (IOException | RuntimeException e) {
      // A missed heartbeat only makes the lock look older; the next one tries again.
    }
  }

  /** Releases the lock: stops the heartbeat and deletes the file. */
  @Override
  public void close() throws IOException {
    heartbeat.shutdownNow();
    fs.delete(file, false);
  }
}
