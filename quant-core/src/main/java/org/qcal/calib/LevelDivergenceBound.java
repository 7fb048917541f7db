package org.qcal.calib;

/**
 * A lower bound of an entropy candidate's divergence from its levels' masses alone, in {@code
 * O(levels)} instead of {@code O(i)} logarithms: merging bins never raises a KL divergence (the
 * log sum inequality, Cover and Thomas, "Elements of Information Theory", 2nd ed., theorem
 * 2.7.1), so {@code KL(P || Q) >= sum over levels l of P(l) ln(P(l) / Q(l))}, where {@code P(l)}
 * and {@code Q(l)} are the smoothed, normalized distributions' masses over the bins of level
 * {@code l}. {@link EntropyCalibrator} skips a candidate whose bound already exceeds the best
 * divergence so far (docs/DESIGN.md, "The entropy search's bound").
 *
 * <p>Each level's masses follow from running sums, as {@link EntropyCalibrator#divergence}
 * builds P and Q: the level's count (P also has the outliers in bin {@code i - 1}; Q spreads
 * exactly the level's count over its non-empty bins), less {@code take} per non-empty bin, plus
 * {@code eps} per empty one.
 */
final class LevelDivergenceBound {
  private final CandidateDistributions dist;
  private final double[] pl;
  private final double[] ql;
  private final double slack;

  LevelDivergenceBound(CandidateDistributions dist) {
    this.dist = dist;
    pl = new double[dist.levels];
    ql = new double[dist.levels];
    // Rounding: both the bound and the scored divergence are sums of at most B + levels terms
    // p ln(p / q) with p, q >= eps / 2^63, so |ln(p / q)| < 64 and each sum errs by at most
    // gamma_m * 64 (Higham, "Accuracy and Stability of Numerical Algorithms", eq. 4.4), with
    // room for the few roundings of each term.
    int m = dist.bins.length + dist.levels + 16;
    double u = 0x1p-53;
    slack = 4 * 64 * (m * u / (1 - m * u));
  }

  /**
   * Whether candidate {@code i} surely scores a divergence at least {@code best}, allowing for
   * the rounding of both.
   */
  boolean surelyNotBelow(int i, double best) {
    if (best == Double.POSITIVE_INFINITY) {
      return false;
    }
    long outliers = dist.outliers(i);
    boolean lastGainsOutliers = dist.bins[i - 1] == 0 && outliers > 0;
    int nonEmptyQ = dist.nonEmpty[i];
    int nonEmptyP = nonEmptyQ + (lastGainsOutliers ? 1 : 0);
    if (nonEmptyQ == 0) {
      return false; // Q empty: scored +Inf, but nothing to bound with
    }
    double eps = CalibrationDefaults.ENTROPY_SMOOTHING;
    double takeP = eps * (i - nonEmptyP) / nonEmptyP;
    double takeQ = eps * (i - nonEmptyQ) / nonEmptyQ;
    double sp = 0;
    double sq = 0;
    for (int level = 0; level < dist.levels; level++) {
      int start = level == 0 ? 0 : dist.levelEnd(level - 1, i);
      int end = dist.levelEnd(level, i);
      int size = end - start;
      double count = dist.counts[end] - dist.counts[start];
      int full = dist.nonEmpty[end] - dist.nonEmpty[start];
      ql[level] = count - takeQ * full + eps * (size - full);
      if (end == i) {
        count += outliers;
        full += lastGainsOutliers ? 1 : 0;
      }
      pl[level] = count - takeP * full + eps * (size - full);
      sp += pl[level];
      sq += ql[level];
    }
    double bound = 0;
    for (int level = 0; level < dist.levels; level++) {
      double p = pl[level] / sp;
      bound += p * Math.log(p / (ql[level] / sq));
    }
    // NaN (a smoothing that fails makes a mass negative) compares false: not skipped.
    return bound - slack > best + slack;
  }
}
