package org.qcal.jobs.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.qcal.QcalException;
import org.qcal.jobs.io.OutputLocation;
import org.qcal.jobs.spark.TaskOutOfMemory;

/**
 * Classifies failures for the exit code. Bad input detected on an executor reaches the driver
 * wrapped in Spark's exceptions, so the cause chain is searched for the library's exception.
 */
public final class Failures {
  private Failures() {}

  /**
   * Spark's error for a data file its reader cannot read (corrupt, or not of the format): the
   * error condition FAILED_READ_FILE in Spark 4 ({@code [FAILED_READ_FILE.NO_HINT] Encountered
   * error while reading file PATH.}), an unprefixed legacy error in Spark 3.5 ({@code
   * Encountered error while reading file PATH. Details:}).
   */
  private static final Pattern FAILED_READ =
      Pattern.compile("Encountered error while reading file (\\S+?)\\.?\\s");
  /**
   * Parquet's own error for a file that is not Parquet, which Spark 3.5 lets through unwrapped
   * when it reads the footer (Spark 4 wraps it in FAILED_READ_FILE).
   */
  private static final Pattern NOT_PARQUET = Pattern.compile("(\\S+) is not a Parquet file");

  /**
   * The {@link QcalException} in the cause chain of {@code t}, or null. A data file Spark's own
   * reader fails on is bad input too: it becomes one naming the file and the reader's cause.
   */
  public static QcalException badInput(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof QcalException q) {
        return q;
      }
      String message = c.getMessage() == null ? "" : c.getMessage() + " ";
      for (Pattern unreadable : new Pattern[] {FAILED_READ, NOT_PARQUET}) {
        Matcher m = unreadable.matcher(message);
        if (m.find()) {
          return new QcalException("data file " + m.group(1) + " cannot be read: "
              + describe(rootCause(c)), c);
        }
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return null;
  }

  /** Whether an I/O failure is in the cause chain (a full disk, a quota, a lost node). */
  public static boolean isIo(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof java.io.IOException || c instanceof java.io.UncheckedIOException) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }

  /**
   * The line (without {@code qcal: }) for running out of memory, or null when {@code t} is not
   * that: an {@link OutOfMemoryError} on the driver, or a {@link TaskOutOfMemory} of an executor,
   * which may reach the driver as an exception or only as the text of Spark's job failure.
   */
  public static String outOfMemory(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof OutOfMemoryError) {
        return "failed: out of memory in the driver (" + c.getMessage() + "); lower --batch-size"
            + " or --tap-memory-mb, or give the driver more memory (spark-submit --driver-memory,"
            + " or QCAL_JAVA_OPTS=-Xmx... for bin/qcal)";
      }
      if (c instanceof TaskOutOfMemory || (c.getMessage() != null
          && c.getMessage().contains(TaskOutOfMemory.MARKER))) {
        return "failed: out of memory in an executor task; lower --batch-size or --tap-memory-mb,"
            + " or give executors more memory (--executor-memory / spark.executor.memory; in"
            + " local mode the driver's: QCAL_JAVA_OPTS=-Xmx... for bin/qcal)";
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return null;
  }

  private static Throwable rootCause(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }

  /** One line for a failure that is not bad input. */
  static String describe(Throwable t) {
    String first = OutputLocation.firstLine(t.getMessage());
    return t.getClass().getSimpleName() + (first.isEmpty() ? "" : ": " + first);
  }
}
