package org.qcal.calib;

import java.io.Serializable;
import org.qcal.Check;
import org.qcal.quant.QuantRule;
import org.qcal.quant.QuantType;

/**
 * The settings of the calibrators: target type and rule (symmetric, reduce_range), percentile,
 * entropy levels. Immutable; start from {@link #defaults()} and change with the {@code with}
 * methods, which check their argument.
 */
public final class CalibrationOptions implements Serializable {
  private static final long serialVersionUID = 1L;

  private final QuantType type;
  private final QuantRule rule;
  private final double percentile;
  private final int entropyLevels;

  private CalibrationOptions(QuantType type, QuantRule rule, double percentile,
      int entropyLevels) {
    this.type = type;
    this.rule = rule;
    this.percentile = percentile;
    this.entropyLevels = entropyLevels;
  }

  /** Activation defaults of {@link CalibrationDefaults}: uint8 asymmetric, 99.999, 128 levels. */
  public static CalibrationOptions defaults() {
    return new CalibrationOptions(CalibrationDefaults.ACTIVATION_TYPE,
        CalibrationDefaults.ACTIVATION_RULE, CalibrationDefaults.PERCENTILE,
        CalibrationDefaults.ENTROPY_LEVELS);
  }

  public CalibrationOptions withType(QuantType type) {
    return new CalibrationOptions(Check.notNull(type, "type"), rule, percentile, entropyLevels);
  }

  public CalibrationOptions withRule(QuantRule rule) {
    return new CalibrationOptions(type, Check.notNull(rule, "rule"), percentile, entropyLevels);
  }

  /** Percentile in (0, 100]. */
  public CalibrationOptions withPercentile(double percentile) {
    Check.inOpenClosed(percentile, 0, 100, "percentile");
    return new CalibrationOptions(type, rule, percentile, entropyLevels);
  }

  /** Number of target levels of the entropy method, >= 2. */
  public CalibrationOptions withEntropyLevels(int levels) {
    Check.atLeast(levels, 2, "entropy levels");
    return new CalibrationOptions(type, rule, percentile, levels);
  }

  /** The target type (the MSE method simulates it). */
  public QuantType type() {
    return type;
  }

  public QuantRule rule() {
    return rule;
  }

  public boolean symmetric() {
    return rule.symmetric();
  }

  public double percentile() {
    return percentile;
  }

  public int entropyLevels() {
    return entropyLevels;
  }

  @Override
  public String toString() {
    return "CalibrationOptions{" + type + ", " + rule + ", percentile=" + percentile
        + ", entropyLevels=" + entropyLevels + "}";
  }
}
