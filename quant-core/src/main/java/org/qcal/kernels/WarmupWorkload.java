package org.qcal.kernels;

import java.util.SplittableRandom;

/**
 * The synthetic tensor {@link KernelWarmup} runs the kernels on: shaped like an activation (a
 * Gaussian bulk, a third of it cut to zero as by a Relu, a few far values), so that the JIT
 * profiles the branches real data takes; one call per kernel, with fixed arguments.
 */
final class WarmupWorkload {
  static final int SIZE = 4096;
  private static final int BINS_PER_SIDE = 2048;
  private static final float SCALE = 8f / 255;
  private static final int ZERO_POINT = 128;

  private final float[] values = new float[SIZE];
  private final float[] out = new float[SIZE];
  private final byte[] bytes = new byte[SIZE];
  private final short[] shorts = new short[SIZE];
  private final long[] counts = new long[2 * BINS_PER_SIDE];
  private final double[] sums = new double[4];
  private final double[] p = new double[SIZE];
  private final double[] q = new double[SIZE];
  private final RangeScan scan = new RangeScan();

  WarmupWorkload() {
    SplittableRandom random = new SplittableRandom(13);
    for (int i = 0; i < SIZE; i++) {
      double x = random.nextGaussian();
      values[i] = (float) (i % 3 == 0 ? Math.max(0, x) : i % 1000 == 1 ? 20 * x : x);
      p[i] = Math.abs(values[i]) + 1e-4;
      q[i] = p[i] * (1 + 0.1 * random.nextDouble());
    }
  }

  /** Nanoseconds of one call of {@code kernel} in {@code impl}. */
  long time(WarmingKernels.Kernel kernel, TensorKernels impl) {
    long start = System.nanoTime();
    run(kernel, impl);
    return System.nanoTime() - start;
  }

  private void run(WarmingKernels.Kernel kernel, TensorKernels impl) {
    switch (kernel) {
      case SCAN -> impl.scan(values, 0, SIZE, scan);
      case HISTOGRAM -> impl.histogram(values, 0, SIZE, BINS_PER_SIDE / 64f, BINS_PER_SIDE,
          BINS_PER_SIDE, counts);
      case QUANTIZE_BYTES -> impl.quantize(values, 0, SIZE, SCALE, ZERO_POINT, 0, 255, bytes, 0);
      case QUANTIZE_SHORTS -> impl.quantize(values, 0, SIZE, SCALE, 0, -32768, 32767, shorts, 0);
      case DEQUANTIZE -> impl.dequantize(bytes, 0, SIZE, true, SCALE, ZERO_POINT, out, 0);
      case FAKE_QUANTIZE -> impl.fakeQuantize(values, 0, SIZE, SCALE, ZERO_POINT, 0, 255, out, 0);
      case ERROR_SUMS -> impl.errorSums(values, 0, out, 0, SIZE, sums);
      case DIVERGENCE_ESTIMATE -> sums[0] = impl.divergenceEstimate(p, q, SIZE);
      default -> throw new AssertionError(kernel);
    }
  }
}
