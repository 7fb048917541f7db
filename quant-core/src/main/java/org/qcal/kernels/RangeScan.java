package org.qcal.kernels;

/** The mutable result of {@link TensorKernels#scan}: reused across calls to avoid garbage. */
public final class RangeScan {
  public float min;
  public float max;
  public long nanCount;
  public long posInfCount;
  public long negInfCount;
  public double sum;
  public double sumSquares;

  /** Sets the state of an empty scan. */
  public void reset() {
    min = Float.POSITIVE_INFINITY;
    max = Float.NEGATIVE_INFINITY;
    nanCount = 0;
    posInfCount = 0;
    negInfCount = 0;
    sum = 0.0;
    sumSquares = 0.0;
  }

  /** Number of finite values seen, given the number of values scanned. */
  public long finiteCount(long scanned) {
    return scanned - nanCount - posInfCount - negInfCount;
  }
}
