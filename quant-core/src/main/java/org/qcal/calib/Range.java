package org.qcal.calib;

import java.io.Serializable;
import org.qcal.Check;

/**
 * A calibrated float range {@code [min, max]}: what a calibrator returns and {@code
 * QuantParams.fromRange} consumes (which then widens it to contain 0). Immutable.
 */
public final class Range implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The range of a tensor without finite values. */
  public static final Range ZERO = new Range(0f, 0f);

  private final float min;
  private final float max;

  private Range(float min, float max) {
    this.min = min;
    this.max = max;
  }

  /** {@code [min, max]}; both finite, {@code min <= max}. */
  public static Range of(float min, float max) {
    Check.finite(min, "range min");
    Check.finite(max, "range max");
    Check.that(min <= max, "range", "min <= max", "[" + min + ", " + max + "]");
    return new Range(min, max);
  }

  /** {@code [-amax, amax]} for a finite {@code amax >= 0}. */
  public static Range symmetric(float amax) {
    Check.that(amax >= 0 && Float.isFinite(amax), "amax", "finite and >= 0", amax);
    return new Range(0f - amax, amax); // 0 - 0 is +0.0: no -0.0 in a zero range
  }

  public float min() {
    return min;
  }

  public float max() {
    return max;
  }

  /** {@code max(|min|, |max|)}. */
  public float amax() {
    return Math.max(Math.abs(min), Math.abs(max));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Range && Float.compare(min, ((Range) o).min) == 0
        && Float.compare(max, ((Range) o).max) == 0;
  }

  @Override
  public int hashCode() {
    return 31 * Float.hashCode(min) + Float.hashCode(max);
  }

  @Override
  public String toString() {
    return "[" + min + ", " + max + "]";
  }
}
