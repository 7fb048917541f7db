package org.qcal.jobs.validate;

/**
 * How far apart two candidates' gate metric values must be, in percentage points, before the
 * difference says more than the luck of the validation rows: one standard error of the
 * difference of two proportions measured on the same {@code n} trials (rows for top-1, top-5
 * and agreement; argmax positions, sequences or map elements for the output agreements).
 *
 * <p>The Wald standard error of {@code p1 - p2} for two binomial proportions on {@code n} trials
 * each, {@code sqrt(p1 (1 - p1) / n + p2 (1 - p2) / n)} (Agresti and Caffo, "Simple and
 * effective confidence intervals for proportions and differences of proportions", The American
 * Statistician 54(4), 2000, eq. 1). The candidates are measured on the same rows, so their hits
 * are positively correlated and the paired difference's true error is smaller: this bound errs
 * on the side of calling a difference noise, which hands the decision to the output SQNR, the
 * number that sums every element of every row.
 *
 * <p>Metrics that are not a share of counted trials (SQNR, IoU) have no noise here: 0.
 */
final class MetricNoise {
  private MetricNoise() {}

  /** One standard error of the difference of {@code a} and {@code b}, in points. */
  static double points(ValidationMetric metric, CandidateResult a, CandidateResult b) {
    long n = Math.min(trials(metric, a), trials(metric, b));
    return standardError(a.value(), b.value(), n);
  }

  /**
   * {@code 100 sqrt((p1 (1 - p1) + p2 (1 - p2)) / n)} with {@code p = percent / 100}; 0 when
   * {@code n} is 0 or a value is not a number.
   */
  static double standardError(double percentA, double percentB, long n) {
    if (n <= 0 || Double.isNaN(percentA) || Double.isNaN(percentB)) {
      return 0;
    }
    double p1 = percentA / 100;
    double p2 = percentB / 100;
    return 100 * Math.sqrt((p1 * (1 - p1) + p2 * (1 - p2)) / n);
  }

  /** The trials the metric's percentage counts, 0 when it is not a share of trials. */
  static long trials(ValidationMetric metric, CandidateResult r) {
    return switch (metric) {
      case TOP1, TOP5 -> r.counts() == null ? 0 : r.counts().labeled();
      case AGREEMENT -> r.counts() == null ? 0 : r.counts().compared();
      case STEP_AGREEMENT -> r.agreement() == null ? 0 : r.agreement().positions();
      case SEQUENCE_AGREEMENT -> r.agreement() == null ? 0 : r.agreement().rows();
      case MAP_AGREEMENT -> r.agreement() == null ? 0 : r.agreement().elements();
      case SQNR, IOU -> 0;
    };
  }
}
