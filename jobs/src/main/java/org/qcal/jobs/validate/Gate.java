package org.qcal.jobs.validate;

import java.io.Serializable;
import org.qcal.Check;
import org.qcal.jobs.api.BadArgument;

/**
 * The accuracy gate: a candidate passes when its {@link #metric()} is within budget. For top1,
 * top5 and agreement the budget is {@link #maxDrop()}, the largest allowed drop against FP32 in
 * percentage points (inclusive); for sqnr it is {@link #minSqnrDb()}, the lowest allowed SQNR of
 * the primary output in dB (inclusive). The run passes when at least one candidate does.
 *
 * @param metric what is compared
 * @param maxDrop percentage points, finite and >= 0
 * @param minSqnrDb dB, finite
 */
public record Gate(ValidationMetric metric, double maxDrop, double minSqnrDb)
    implements Serializable {
  /** {@code --max-drop} default: one percentage point. */
  public static final double DEFAULT_MAX_DROP = 1.0;
  /** {@code --min-sqnr} default, dB. */
  public static final double DEFAULT_MIN_SQNR_DB = 20.0;

  public Gate {
    Check.notNull(metric, "metric");
    if (!(maxDrop >= 0) || !Double.isFinite(maxDrop)) {
      throw new BadArgument("maxDrop", "must be a finite number of points >= 0, got "
          + maxDrop);
    }
    if (!Double.isFinite(minSqnrDb)) {
      throw new BadArgument("minSqnrDb", "must be a finite number of dB, got " + minSqnrDb);
    }
  }

  /** The gate on {@code metric} with the default budgets. */
  public static Gate of(ValidationMetric metric) {
    return new Gate(metric, DEFAULT_MAX_DROP, DEFAULT_MIN_SQNR_DB);
  }

  /** Whether a candidate with this value (and drop, for accuracy metrics) passes. */
  public boolean passes(double value, double drop) {
    if (metric == ValidationMetric.SQNR) {
      return value >= minSqnrDb;
    }
    return drop <= maxDrop; // NaN never passes
  }
}
