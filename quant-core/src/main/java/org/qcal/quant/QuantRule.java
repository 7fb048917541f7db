package org.qcal.quant;

import java.io.Serializable;

/**
 * How a range becomes quantization parameters: symmetric or asymmetric, with or without
 * {@code reduce_range}. Immutable; the four possible values are shared constants.
 */
public final class QuantRule implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Asymmetric, full range: docs/DESIGN.md's rule for activations. */
  public static final QuantRule ASYMMETRIC = new QuantRule(false, false);
  /** Symmetric, signed types restricted to {@code -(2^(b-1) - 1)}: the rule for weights. */
  public static final QuantRule SYMMETRIC = new QuantRule(true, false);

  private static final QuantRule ASYMMETRIC_REDUCED = new QuantRule(false, true);
  private static final QuantRule SYMMETRIC_REDUCED = new QuantRule(true, true);

  private final boolean symmetric;
  private final boolean reduceRange;

  private QuantRule(boolean symmetric, boolean reduceRange) {
    this.symmetric = symmetric;
    this.reduceRange = reduceRange;
  }

  public static QuantRule of(boolean symmetric, boolean reduceRange) {
    if (symmetric) {
      return reduceRange ? SYMMETRIC_REDUCED : SYMMETRIC;
    }
    return reduceRange ? ASYMMETRIC_REDUCED : ASYMMETRIC;
  }

  public boolean symmetric() {
    return symmetric;
  }

  public boolean reduceRange() {
    return reduceRange;
  }

  /** Keeps the four shared constants unique after Java deserialization. */
  private Object readResolve() {
    return of(symmetric, reduceRange);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof QuantRule
        && ((QuantRule) o).symmetric == symmetric
        && ((QuantRule) o).reduceRange == reduceRange;
  }

  @Override
  public int hashCode() {
    return (symmetric ? 2 : 0) + (reduceRange ? 1 : 0);
  }

  @Override
  public String toString() {
    return (symmetric ? "symmetric" : "asymmetric") + (reduceRange ? ", reduce_range" : "");
  }
}
