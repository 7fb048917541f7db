package org.qcal.jobs;

import org.qcal.QcalException;

/**
 * Classifies failures for the exit code. Bad input detected on an executor reaches the driver
 * wrapped in Spark's exceptions, so the cause chain is searched for the library's exception.
 */
final class Failures {
  private Failures() {}

  /** The {@link QcalException} in the cause chain of {@code t}, or null. */
  static QcalException badInput(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof QcalException q) {
        return q;
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

  /** One line for a failure that is not bad input. */
  static String describe(Throwable t) {
    String message = t.getMessage();
    String first = message == null ? "" : message.lines().findFirst().orElse("");
    return t.getClass().getSimpleName() + (first.isEmpty() ? "" : ": " + first);
  }
}
