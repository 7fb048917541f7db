package org.qcal.jobs;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.qcal.QcalException;

/**
 * Classifies failures for the exit code. Bad input detected on an executor reaches the driver
 * wrapped in Spark's exceptions, so the cause chain is searched for the library's exception.
 */
final class Failures {
  private Failures() {}

  /** Spark's error for a data file its reader cannot read (corrupt, or not of the format). */
  private static final Pattern FAILED_READ =
      Pattern.compile("\\[FAILED_READ_FILE[^\\]]*\\] Encountered error while reading file (\\S+?)\\.?\\s");

  /**
   * The {@link QcalException} in the cause chain of {@code t}, or null. A data file Spark's own
   * reader fails on is bad input too: it becomes one naming the file and the reader's cause.
   */
  static QcalException badInput(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof QcalException q) {
        return q;
      }
      Matcher m = FAILED_READ.matcher(c.getMessage() == null ? "" : c.getMessage() + " ");
      if (m.find()) {
        return new QcalException("data file " + m.group(1) + " cannot be read: "
            + describe(rootCause(c)), c);
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return null;
  }

  /** Whether an I/O failure is in the cause chain (a full disk, a quota, a lost node). */
  static boolean isIo(Throwable t) {
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

  static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
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
    String message = t.getMessage();
    String first = message == null ? "" : message.lines().findFirst().orElse("");
    return t.getClass().getSimpleName() + (first.isEmpty() ? "" : ": " + first);
  }
}
