package org.qcal.jobs.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Failures that are not bad input (exit 1): one line for the user, the stack trace where a maintainer can
 * find it. The trace goes to a file in the log folder ({@code -Dqcal.log.dir}, which {@code
 * bin/qcal} sets; else the JVM's temporary folder), never into the user's working folder, and
 * to stderr too, before the line, with {@code --verbose}.
 */
final class InternalErrors {
  private InternalErrors() {}

  /** The line (without the {@code qcal: } prefix) for {@code failure}. */
  static String report(Throwable failure, PrintWriter verbose) {
    StringWriter trace = new StringWriter();
    failure.printStackTrace(new PrintWriter(trace));
    if (verbose != null) {
      verbose.print(trace);
      verbose.flush();
    }
    Path file = writeTrace(trace.toString());
    String where = file == null ? "" : " (stack trace in " + file + ")";
    String memory = Failures.outOfMemory(failure);
    if (memory != null) {
      return memory + where; // a sizing problem, not a bug: say what to change
    }
    if (Failures.isIo(failure)) {
      // Not qcal's fault: a full disk, a quota, a lost data node. Say what, not "report it".
      return "failed: " + Failures.describe(failure) + where;
    }
    return "internal error: " + Failures.describe(failure) + "; please report it" + where;
  }

  private static Path writeTrace(String trace) {
    try {
      Path dir = Path.of(System.getProperty("qcal.log.dir", System.getProperty("java.io.tmpdir")));
      Files.createDirectories(dir);
      String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
      Path file = dir.resolve("qcal-error-" + stamp + "-" + ProcessHandle.current().pid()
          + ".log");
      Files.writeString(file, trace, StandardCharsets.UTF_8);
      return file;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
