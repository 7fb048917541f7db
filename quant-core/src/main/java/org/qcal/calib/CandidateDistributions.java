package org.qcal.calib;

/**
 * The smoothed P and Q of each entropy candidate ({@link EntropyCalibrator}), written in one pass
 * each: the counts, non-empty bins and least non-empty bin of every prefix and level come from
 * running sums, so the smoothing's amount and its check need no pass of their own. The values
 * are those of building P and Q bin by bin and smoothing them afterwards, bit for bit (the same
 * expressions on the same numbers; {@code EntropyPruningTest} compares the two).
 */
final class CandidateDistributions {
  private static final double EPS = CalibrationDefaults.ENTROPY_SMOOTHING;

  final long[] bins;
  final int levels;
  /** counts[j]: the sum of bins [0, j); nonEmpty[j]: how many of them are not zero. */
  final long[] counts;
  final int[] nonEmpty;
  /** The least non-zero bin of [0, j), or {@code Long.MAX_VALUE} when there is none. */
  private final long[] leastNonEmpty;
  private final double[] levelValue;

  CandidateDistributions(long[] bins, int levels) {
    this.bins = bins;
    this.levels = levels;
    counts = new long[bins.length + 1];
    nonEmpty = new int[bins.length + 1];
    leastNonEmpty = new long[bins.length + 1];
    leastNonEmpty[0] = Long.MAX_VALUE;
    for (int j = 0; j < bins.length; j++) {
      counts[j + 1] = counts[j] + bins[j];
      nonEmpty[j + 1] = nonEmpty[j] + (bins[j] != 0 ? 1 : 0);
      leastNonEmpty[j + 1] = bins[j] != 0 ? Math.min(leastNonEmpty[j], bins[j])
          : leastNonEmpty[j];
    }
    levelValue = new double[levels];
  }

  /** The counts beyond candidate {@code i}'s range, which P adds to its last bin. */
  long outliers(int i) {
    return counts[bins.length] - counts[i];
  }

  /** Where level {@code level} of candidate {@code i} ends: bin j is in level floor(j L / i). */
  int levelEnd(int level, int i) {
    return (int) (((long) (level + 1) * i + levels - 1) / levels);
  }

  /**
   * P (bins [0, i), the outliers added to the last) and Q (each level's count spread evenly
   * over its non-empty bins), both smoothed: a zero becomes {@code eps} and each non-zero bin
   * gives {@code eps * zeros / nonZeros}. False, with {@code p} and {@code q} unspecified, when
   * either is all zeros or a non-zero bin would not stay positive (the candidate scores +Inf).
   */
  boolean fill(int i, double[] p, double[] q) {
    double last = (double) bins[i - 1] + outliers(i);
    int zerosP = (i - 1 - nonEmpty[i - 1]) + (last == 0 ? 1 : 0);
    int nonZerosP = i - zerosP;
    if (nonZerosP == 0) {
      return false;
    }
    double leastP = Math.min(
        leastNonEmpty[i - 1] == Long.MAX_VALUE ? Double.POSITIVE_INFINITY
            : (double) leastNonEmpty[i - 1],
        last == 0 ? Double.POSITIVE_INFINITY : last);
    double takeP = EPS * zerosP / nonZerosP;
    if (!(takeP < leastP)) {
      return false;
    }
    int nonZerosQ = nonEmpty[i];
    if (nonZerosQ == 0) {
      return false;
    }
    double leastQ = Double.POSITIVE_INFINITY;
    int start = 0;
    for (int level = 0; level < levels; level++) {
      int end = levelEnd(level, i);
      int full = nonEmpty[end] - nonEmpty[start];
      levelValue[level] = full == 0 ? 0 : (double) (counts[end] - counts[start]) / full;
      if (full != 0) {
        leastQ = Math.min(leastQ, levelValue[level]);
      }
      start = end;
    }
    double takeQ = EPS * (i - nonZerosQ) / nonZerosQ;
    if (!(takeQ < leastQ)) {
      return false;
    }
    for (int j = 0; j < i - 1; j++) {
      p[j] = bins[j] == 0 ? EPS : (double) bins[j] - takeP;
    }
    p[i - 1] = last == 0 ? EPS : last - takeP;
    start = 0;
    for (int level = 0; level < levels; level++) {
      int end = levelEnd(level, i);
      double value = levelValue[level] - takeQ;
      for (int j = start; j < end; j++) {
        q[j] = bins[j] != 0 ? value : EPS;
      }
      start = end;
    }
    return true;
  }
}
