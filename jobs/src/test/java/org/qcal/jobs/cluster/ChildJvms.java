package org.qcal.jobs.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Stopping the child JVMs of the cluster tests, and reading their logs. */
final class ChildJvms {
  private ChildJvms() {}

  /** SIGTERM to the process, then, after a grace period, SIGKILL to it and all it started. */
  static void destroyTree(Process process) {
    if (process == null) {
      return;
    }
    List<ProcessHandle> descendants = process.toHandle().descendants().toList();
    process.destroy();
    try {
      process.waitFor(15, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process.destroyForcibly();
    descendants.forEach(ProcessHandle::destroyForcibly);
    process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** A log file's text; empty while it does not exist. */
  static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The last {@code lines} lines of a log, under a header naming it. */
  static String tail(Path file, int lines) {
    List<String> all = read(file).lines().toList();
    return "--- last lines of " + file + " ---\n"
        + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }
}
