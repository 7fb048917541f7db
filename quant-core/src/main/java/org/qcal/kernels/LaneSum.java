package org.qcal.kernels;

/**
 * The fixed combine step of the {@link TensorKernels#LANES} logical accumulation lanes. Both
 * implementations call it, so the order of the final additions cannot drift apart.
 */
final class LaneSum {
  private LaneSum() {}

  /** {@code ((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7))} of {@code lanes[from, from + 8)}. */
  static double combine(double[] lanes, int from) {
    return ((lanes[from] + lanes[from + 1]) + (lanes[from + 2] + lanes[from + 3]))
        + ((lanes[from + 4] + lanes[from + 5]) + (lanes[from + 6] + lanes[from + 7]));
  }
}
