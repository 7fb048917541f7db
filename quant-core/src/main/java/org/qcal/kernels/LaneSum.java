package org.qcal.kernels;

/**
 * The fixed combine step of the {@link TensorKernels#LANES} logical accumulation lanes. Both
 * implementations call it, so the order of the final additions cannot drift apart.
 */
final class LaneSum {
  private LaneSum() {}

  /** {@code ((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7))}. */
  static double combine(double[] lanes) {
    return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3]))
        + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
  }
}
