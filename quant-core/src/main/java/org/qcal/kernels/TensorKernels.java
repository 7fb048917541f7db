package org.qcal.kernels;

/**
 * The hot loops of qcal, behind one interface so that a Vector API implementation and a plain
 * scalar twin can be chosen at start-up ({@link Kernels#get()}) and tested against each other bit
 * for bit.
 *
 * <p>Every method reads {@code a[off, off + len)} and must give bit-identical results in every
 * implementation, except {@link #divergenceEstimate}, an estimate within a stated error. Floating-point sums are therefore defined with a fixed logical layout that does
 * not depend on the hardware's vector width: {@value #LANES} double-precision lanes, element
 * {@code off + i} of the first {@code len - len % LANES} elements goes to lane {@code i % LANES};
 * the lanes are then combined in the fixed order {@code ((l0 + l1) + (l2 + l3)) + ((l4 + l5) +
 * (l6 + l7))}; the remaining {@code len % LANES} tail elements are then added one by one in index
 * order. Each element is widened to double before it is added, and squares and products are
 * formed in double (exact for float inputs), so only the additions round (and, in {@link
 * #errorSums}, the difference of two floats).
 *
 * <p>Arguments are checked by the callers' public API with the {@code check} methods of {@link
 * Kernels}; implementations assume valid arguments: slices inside their arrays, a finite
 * positive scale and inverse bin width, and the ranges those checks accept.
 */
public interface TensorKernels {

  /** The fixed number of logical accumulation lanes of every floating-point sum. */
  int LANES = 8;

  /** A short name for logs and benchmarks, e.g. {@code "vector-256"} or {@code "scalar"}. */
  String name();

  /**
   * One pass over the values: finite min and max, counts of NaN, +Inf and -Inf, and the sum and
   * sum of squares of the finite values (in the lane layout above). Non-finite values enter
   * neither the extremes nor the sums. {@code -0.0} and {@code 0.0} compare as in {@link
   * Math#min(float, float)}. With no finite value, min is {@code +Inf} and max is {@code -Inf}.
   * The result is written into {@code out} (reset first).
   */
  void scan(float[] a, int off, int len, RangeScan out);

  /**
   * Adds each finite value to a zero-aligned histogram, see {@code org.qcal.stats.HistogramGrid}:
   * with {@code m = min(trunc(|x| * invWidth), side - 1)} computed in float, where {@code side} is
   * {@code posBins} for {@code x >= 0} (including {@code -0.0}) and {@code negBins} for {@code x <
   * 0}, the value counts into {@code counts[negBins + m]} when {@code x >= 0} and into {@code
   * counts[negBins - 1 - m]} when {@code x < 0}. Bin {@code negBins + m} thus covers {@code [m w,
   * (m + 1) w)} and bin {@code negBins - 1 - m} covers {@code (-(m + 1) w, -m w]}, so folding the
   * two sides gives the |x| histogram exactly. A side with 0 bins sends its values to the nearest
   * bin of the other side. Non-finite values are skipped (they are counted by {@link #scan}).
   * There are between 1 and {@link Kernels#MAX_BINS} bins in all.
   */
  void histogram(float[] a, int off, int len, float invWidth, int negBins, int posBins,
      long[] counts);

  /**
   * ONNX QuantizeLinear into 8-bit storage: {@code q = (int) rint(clamp(x / scale, qmin - zp,
   * qmax - zp)) + zp}, with the division in float, round half to even, and NaN mapped to {@code
   * zp}. Unsigned results are stored as their low byte ({@code q & 0xFF} reads them back).
   * Requires {@code qmin <= zeroPoint <= qmax} within the storage's signed or unsigned range
   * ({@link Kernels#checkQuantRange}).
   */
  void quantize(float[] a, int off, int len, float scale, int zeroPoint, int qmin, int qmax,
      byte[] out, int outOff);

  /**
   * As {@link #quantize(float[], int, int, float, int, int, int, byte[], int)}, into 16-bit
   * storage.
   */
  void quantize(float[] a, int off, int len, float scale, int zeroPoint, int qmin, int qmax,
      short[] out, int outOff);

  /**
   * ONNX DequantizeLinear from 8-bit storage: {@code x = (float) (q - zp) * scale} where {@code q}
   * is the signed byte, or the unsigned byte when {@code unsigned}.
   */
  void dequantize(byte[] q, int off, int len, boolean unsigned, float scale, int zeroPoint,
      float[] out, int outOff);

  /**
   * Quantize then dequantize in one step, {@code (float) (q - zp) * scale} with q as in {@link
   * #quantize} (so NaN gives +0.0), written to {@code out}; {@code out} may be {@code a} itself
   * with {@code outOff == off}, but must not overlap it otherwise. The range needs no storage:
   * any {@code qmin <= zeroPoint <= qmax} within the 16-bit ranges is allowed.
   */
  void fakeQuantize(float[] a, int off, int len, float scale, int zeroPoint, int qmin, int qmax,
      float[] out, int outOff);

  /**
   * The additive error sums between a reference {@code x} and an approximation {@code y} of the
   * same length, over pairs where both are finite (others are skipped): {@code out[0] += sum x^2},
   * {@code out[1] += sum y^2}, {@code out[2] += sum x*y}, {@code out[3] += sum (x - y)^2}, each
   * formed in the lane layout above (the difference {@code x - y} rounded in double, then
   * squared and rounded, then added) and then added to {@code out}.
   */
  void errorSums(float[] x, int xOff, float[] y, int yOff, int len, double[] out);

  /**
   * An estimate of {@code KL(p || q)} of the normalized distributions, {@code sum over j < n of
   * (p_j / sp) ln((p_j / sp) / (q_j / sq))} with {@code sp} and {@code sq} the sums of {@code p}
   * and {@code q}, all positive. Not bit-identical between implementations: the vector
   * logarithm is not {@link StrictMath#log}'s, and the sums are reassociated. Every
   * implementation is within {@link #divergenceEstimateError(int)} of the sum of the exact
   * terms, so a caller that needs the exact divergence uses it to rule out what cannot be the
   * smallest and computes the rest exactly.
   */
  double divergenceEstimate(double[] p, double[] q, int n);

  /**
   * A bound of {@link #divergenceEstimate}'s error for {@code n} terms with {@code p_j / sp} and
   * {@code q_j / sq} at least {@code 2^-63 * 10^-4} (counts up to {@code 2^63}, smoothed with
   * {@code 10^-4}), so {@code |ln| < 64}: the bound of a reassociated sum, {@code gamma_m sum
   * |terms|} with {@code gamma_m = m u / (1 - m u)} (Higham, "Accuracy and Stability of
   * Numerical Algorithms", eq. 4.4), four times over for the few roundings of each term, plus
   * {@code 2^-40} for the logarithms (each within one ulp of its value, below {@code 2^-46}).
   */
  static double divergenceEstimateError(int n) {
    int m = n + 16;
    double u = 0x1p-53;
    return 4 * 64 * (m * u / (1 - m * u)) + 0x1p-40;
  }
}
