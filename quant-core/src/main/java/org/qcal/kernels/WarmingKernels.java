package org.qcal.kernels;

import java.util.EnumMap;
import java.util.Map;

/**
 * The vector kernels once the JIT has compiled them, their scalar twin until then
 * (docs/DESIGN.md, "Kernel warm-up").
 *
 * <p>Why: until C2 compiles a Vector API loop, each vector operation runs as plain Java that
 * allocates its result, hundreds of times slower than the compiled loop, and C2 gets there only
 * after about a second of such calls per kernel. A fresh executor JVM paid that in every task
 * running at the time: on the shipped MLP, 100 000 rows, the kernels took 4.6 to 10 s of task
 * time with the vector kernels from a cold start against 1.9 to 3.4 s with the scalar ones
 * (docs/BENCHMARKS.md, "Kernel warm-up"). Both implementations give bit-identical results
 * ({@link TensorKernels}; the divergence estimate within its stated error, which the entropy
 * search allows for), so which one serves a call changes its speed only.
 *
 * <p>Each kernel warms on its own, on its first call: {@link KernelWarmup} runs the vector kernel
 * on a synthetic tensor in a background thread until it is compiled; the calls made meanwhile go
 * to the scalar kernel, the later ones to the vector kernel.
 */
final class WarmingKernels implements TensorKernels {
  /** The kernels of {@link TensorKernels}, each warmed apart (the JIT compiles them apart). */
  enum Kernel {
    SCAN, HISTOGRAM, QUANTIZE_BYTES, QUANTIZE_SHORTS, DEQUANTIZE, FAKE_QUANTIZE, ERROR_SUMS,
    DIVERGENCE_ESTIMATE
  }

  private final TensorKernels vector;
  private final TensorKernels scalar;
  private final Map<Kernel, KernelWarmup> warmups = new EnumMap<>(Kernel.class);

  WarmingKernels(TensorKernels vector, TensorKernels scalar) {
    this.vector = vector;
    this.scalar = scalar;
    for (Kernel k : Kernel.values()) {
      warmups.put(k, new KernelWarmup(k, vector, scalar));
    }
  }

  /** The vector kernels' name: the ones that serve the calls once warm. */
  @Override
  public String name() {
    return vector.name();
  }

  /** True once {@code kernel} is served by the vector kernels (starts its warm-up if not). */
  boolean isWarm(Kernel kernel) {
    return warmups.get(kernel).isWarm();
  }

  private TensorKernels serving(Kernel kernel) {
    return isWarm(kernel) ? vector : scalar;
  }

  @Override
  public void scan(float[] a, int off, int len, RangeScan out) {
    serving(Kernel.SCAN).scan(a, off, len, out);
  }

  @Override
  public void histogram(float[] a, int off, int len, float invWidth, int negBins, int posBins,
      long[] counts) {
    serving(Kernel.HISTOGRAM).histogram(a, off, len, invWidth, negBins, posBins, counts);
  }

  @Override
  public void quantize(float[] a, int off, int len, float scale, int zeroPoint, int qmin,
      int qmax, byte[] out, int outOff) {
    serving(Kernel.QUANTIZE_BYTES).quantize(a, off, len, scale, zeroPoint, qmin, qmax, out,
        outOff);
  }

  @Override
  public void quantize(float[] a, int off, int len, float scale, int zeroPoint, int qmin,
      int qmax, short[] out, int outOff) {
    serving(Kernel.QUANTIZE_SHORTS).quantize(a, off, len, scale, zeroPoint, qmin, qmax, out,
        outOff);
  }

  @Override
  public void dequantize(byte[] q, int off, int len, boolean unsigned, float scale,
      int zeroPoint, float[] out, int outOff) {
    serving(Kernel.DEQUANTIZE).dequantize(q, off, len, unsigned, scale, zeroPoint, out, outOff);
  }

  @Override
  public void fakeQuantize(float[] a, int off, int len, float scale, int zeroPoint, int qmin,
      int qmax, float[] out, int outOff) {
    serving(Kernel.FAKE_QUANTIZE).fakeQuantize(a, off, len, scale, zeroPoint, qmin, qmax, out,
        outOff);
  }

  @Override
  public void errorSums(float[] x, int xOff, float[] y, int yOff, int len, double[] out) {
    serving(Kernel.ERROR_SUMS).errorSums(x, xOff, y, yOff, len, out);
  }

  @Override
  public double divergenceEstimate(double[] p, double[] q, int n) {
    return serving(Kernel.DIVERGENCE_ESTIMATE).divergenceEstimate(p, q, n);
  }
}
