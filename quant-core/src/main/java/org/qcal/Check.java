package org.qcal;

/**
 * Argument guards of the public API. Every failure is a {@link QcalException} whose message says
 * what was expected and what was found, e.g. {@code "percentile must be in (0, 100], got 100.5"}.
 */
public final class Check {
  private Check() {}

  /** Fails unless {@code value} is non-null. */
  public static <T> T notNull(T value, String name) {
    if (value == null) {
      throw new QcalException(name + " must not be null");
    }
    return value;
  }

  /** Fails unless {@code [off, off + len)} lies inside an array of {@code length} elements. */
  public static void slice(int length, int off, int len, String name) {
    if (off < 0 || len < 0 || off > length - len) {
      throw new QcalException(name + " slice [off, off + len) must lie in [0, " + length
          + "], got off " + off + ", len " + len);
    }
  }

  /** Fails unless the array is non-null and {@code [off, off + len)} lies inside it. */
  public static void slice(float[] a, int off, int len, String name) {
    notNull(a, name);
    slice(a.length, off, len, name);
  }

  /** Fails unless {@code value >= min}. */
  public static int atLeast(int value, int min, String name) {
    if (value < min) {
      throw new QcalException(name + " must be >= " + min + ", got " + value);
    }
    return value;
  }

  /** Fails unless {@code value >= min}. */
  public static long atLeast(long value, long min, String name) {
    if (value < min) {
      throw new QcalException(name + " must be >= " + min + ", got " + value);
    }
    return value;
  }

  /** Fails unless {@code value} is finite. */
  public static double finite(double value, String name) {
    if (!Double.isFinite(value)) {
      throw new QcalException(name + " must be finite, got " + value);
    }
    return value;
  }

  /** Fails unless {@code value} is finite and strictly positive. */
  public static double positive(double value, String name) {
    if (!(value > 0) || !Double.isFinite(value)) {
      throw new QcalException(name + " must be finite and > 0, got " + value);
    }
    return value;
  }

  /** Fails unless {@code low < value <= high} (a half-open interval, as for percentiles). */
  public static double inOpenClosed(double value, double low, double high, String name) {
    if (!(value > low && value <= high)) {
      throw new QcalException(
          name + " must be in (" + fmt(low) + ", " + fmt(high) + "], got " + value);
    }
    return value;
  }

  /** Fails with "{@code name} must be {@code expected}, got {@code actual}" unless ok. */
  public static void that(boolean ok, String name, String expected, Object actual) {
    if (!ok) {
      throw new QcalException(name + " must be " + expected + ", got " + actual);
    }
  }

  /** Prints whole numbers without a trailing ".0" so that messages read like the rule. */
  private static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
