package org.qcal.jobs.cluster;

import static org.qcal.jobs.cluster.ChildJvms.destroyTree;
import static org.qcal.jobs.cluster.ChildJvms.read;
import static org.qcal.jobs.cluster.ChildJvms.tail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One spark-submit of {@link StandaloneCluster}: the driver JVM (client mode) and its output. */
public final class Submission {
  /** StandaloneSchedulerBackend's "Connected to Spark cluster with app ID app-..." line. */
  private static final Pattern APP_ID = Pattern.compile("app ID (app-[0-9]+-[0-9]+)");

  private final String name;
  private final Process process;
  private final Path stdout;
  private final Path stderr;

  Submission(String name, Process process, Path stdout, Path stderr) {
    this.name = name;
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  Process process() {
    return process;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Waits for the exit and returns the exit code; kills the driver after {@code timeout}. */
  int await(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        destroyTree(process);
        throw new IllegalStateException(name + " still running after " + timeout
            + ", killed\n" + describe());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      destroyTree(process);
      throw new IllegalStateException("interrupted", e);
    }
    return process.exitValue();
  }

  public int exitCode() {
    return process.exitValue();
  }

  String stdout() {
    return read(stdout);
  }

  public String stderr() {
    return read(stderr);
  }

  /** The application id the master gave, once the driver has connected; else empty. */
  Optional<String> appId() {
    Matcher m = APP_ID.matcher(stderr());
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** For assertion messages: the exit code and the tails of both outputs. */
  public String describe() {
    return name + (process.isAlive() ? " (running)" : " exit code " + process.exitValue())
        + "\n" + tail(stdout, 20) + "\n" + tail(stderr, 60);
  }
}
