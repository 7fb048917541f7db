package org.qcal.calib;

import java.util.Arrays;

/**
 * Sums over the tails of sorted, weighted points, for a lower bound of their squared distance to
 * an interval: {@code sum over c > hi of n (c - hi)^2 + sum over c < lo of n (c - lo)^2}, each
 * tail from three running sums ({@code n}, {@code n c}, {@code n c^2}) in O(log points).
 *
 * <p>The bound is only used to skip work whose result is known, so it must never be above what
 * the exact scoring would compute. Its rounding is bounded by the standard error bound of
 * recursive summation, {@code |error| <= gamma_m * sum |terms|} with {@code gamma_m = m u / (1 -
 * m u)}, {@code u = 2^-53} (Higham, "Accuracy and Stability of Numerical Algorithms", 2nd ed.,
 * eq. 4.4); the score being compared with has the same kind of error, so both are allowed for
 * with a margin of {@code 4 gamma} on the sums' magnitude.
 */
final class TailSums {
  private final float[] points;
  /** Running sums from the left: index i holds the sums over points [0, i). */
  private final double[] leftN;
  private final double[] leftC;
  private final double[] leftC2;
  /** Running sums from the right: index i holds the sums over points [i, m). */
  private final double[] rightN;
  private final double[] rightC;
  private final double[] rightC2;
  private final double slack;

  /** {@code points} ascending, {@code weights} non-negative. */
  TailSums(float[] points, long[] weights) {
    int m = points.length;
    this.points = points;
    leftN = new double[m + 1];
    leftC = new double[m + 1];
    leftC2 = new double[m + 1];
    rightN = new double[m + 1];
    rightC = new double[m + 1];
    rightC2 = new double[m + 1];
    for (int i = 0; i < m; i++) {
      double n = weights[i];
      double c = points[i];
      leftN[i + 1] = leftN[i] + n;
      leftC[i + 1] = leftC[i] + n * Math.abs(c);
      leftC2[i + 1] = leftC2[i] + n * c * c;
    }
    for (int i = m - 1; i >= 0; i--) {
      double n = weights[i];
      double c = points[i];
      rightN[i] = rightN[i + 1] + n;
      rightC[i] = rightC[i + 1] + n * Math.abs(c);
      rightC2[i] = rightC2[i + 1] + n * c * c;
    }
    double u = 0x1p-53;
    double gamma = (m + 8) * u / (1 - (m + 8) * u);
    slack = 4 * gamma;
  }

  /**
   * Whether the tails beyond {@code [lo, hi]} err by more than {@code bound}, with room for the
   * rounding of these sums and of the score {@code bound} came from.
   */
  boolean surelyAbove(float lo, float hi, double bound) {
    int above = firstAbove(hi);
    int below = firstAtOrAbove(lo); // points [0, below) are below lo
    double tails = tail(rightN[above], rightC[above], rightC2[above], hi)
        + tail(leftN[below], leftC[below], leftC2[below], lo);
    double magnitude = magnitude(rightN[above], rightC[above], rightC2[above], hi)
        + magnitude(leftN[below], leftC[below], leftC2[below], lo);
    // The score is at least (1 - slack) of the true error, which is at least the true tails.
    return (tails - slack * magnitude) * (1 - slack) > bound;
  }

  /**
   * {@code sum n (c - v)^2 = sum n c^2 - 2 v sum n c + v^2 sum n}, with {@code -2 |v| sum n |c|}
   * for the middle term: never more than the true one, and equal to it when the tail lies on
   * {@code v}'s side of zero, as tails beyond a range that contains zero do.
   */
  private static double tail(double n, double absC, double c2, double v) {
    return c2 - 2 * Math.abs(v) * absC + v * v * n;
  }

  private static double magnitude(double n, double absC, double c2, double v) {
    return c2 + 2 * Math.abs(v) * absC + v * v * n;
  }

  private int firstAbove(float v) {
    int i = Arrays.binarySearch(points, v);
    if (i < 0) {
      return -i - 1;
    }
    while (i < points.length && points[i] <= v) {
      i++;
    }
    return i;
  }

  private int firstAtOrAbove(float v) {
    int i = Arrays.binarySearch(points, v);
    if (i < 0) {
      return -i - 1;
    }
    while (i > 0 && points[i - 1] >= v) {
      i--;
    }
    return i;
  }
}
