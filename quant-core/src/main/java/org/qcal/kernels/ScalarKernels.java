package org.qcal.kernels;

/**
 * The reference implementation: plain loops that follow the {@link TensorKernels} contract word
 * for word. {@link VectorKernels} must match it bit for bit, and reuses its in-order helpers for
 * the elements after the last full group of {@link #LANES}.
 */
public final class ScalarKernels implements TensorKernels {

  /** The number of sums {@link #errorSums} produces. */
  static final int ERROR_TERMS = 4;

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public void scan(float[] a, int off, int len, RangeScan out) {
    out.reset();
    int body = len - len % LANES;
    double[] sums = new double[LANES];
    double[] squares = new double[LANES];
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < body; i++) {
      float x = a[off + i];
      if (countedAsNonFinite(x, out)) {
        continue;
      }
      min = Math.min(min, x);
      max = Math.max(max, x);
      double d = x;
      sums[i % LANES] += d;
      squares[i % LANES] += d * d;
    }
    out.min = min;
    out.max = max;
    out.sum = LaneSum.combine(sums, 0);
    out.sumSquares = LaneSum.combine(squares, 0);
    scanInOrder(a, off + body, len - body, out);
  }

  /** Adds {@code a[off, off + len)} to {@code out} one by one: the tail rule of the contract. */
  static void scanInOrder(float[] a, int off, int len, RangeScan out) {
    for (int i = off; i < off + len; i++) {
      float x = a[i];
      if (countedAsNonFinite(x, out)) {
        continue;
      }
      out.min = Math.min(out.min, x);
      out.max = Math.max(out.max, x);
      double d = x;
      out.sum += d;
      out.sumSquares += d * d;
    }
  }

  /** Counts {@code x} into the NaN or infinity counters and says whether it was one of them. */
  public static boolean countedAsNonFinite(float x, RangeScan out) {
    if (Float.isNaN(x)) {
      out.nanCount++;
    } else if (x == Float.POSITIVE_INFINITY) {
      out.posInfCount++;
    } else if (x == Float.NEGATIVE_INFINITY) {
      out.negInfCount++;
    } else {
      return false;
    }
    return true;
  }

  @Override
  public void histogram(float[] a, int off, int len, float invWidth, int negBins, int posBins,
      long[] counts) {
    for (int i = off; i < off + len; i++) {
      float x = a[i];
      if (Float.isFinite(x)) {
        counts[bin(x, invWidth, negBins, posBins)]++;
      }
    }
  }

  /** The bin of a finite value; {@code -0.0} goes to the non-negative side. */
  static int bin(float x, float invWidth, int negBins, int posBins) {
    int m = (int) (Math.abs(x) * invWidth);
    if (x >= 0) {
      return negBins + Math.min(m, posBins - 1);
    }
    return negBins - 1 - Math.min(m, negBins - 1);
  }

  @Override
  public void quantize(float[] a, int off, int len, float scale, int zeroPoint, int qmin,
      int qmax, byte[] out, int outOff) {
    for (int i = 0; i < len; i++) {
      out[outOff + i] = (byte) quantize(a[off + i], scale, zeroPoint, qmin, qmax);
    }
  }

  @Override
  public void quantize(float[] a, int off, int len, float scale, int zeroPoint, int qmin,
      int qmax, short[] out, int outOff) {
    for (int i = 0; i < len; i++) {
      out[outOff + i] = (short) quantize(a[off + i], scale, zeroPoint, qmin, qmax);
    }
  }

  /**
   * One value, as ONNX QuantizeLinear. The clamp bounds are whole numbers, so clamping before
   * rounding equals saturating after it; NaN survives the clamp and {@code (int) NaN} is 0.
   */
  static int quantize(float x, float scale, int zeroPoint, int qmin, int qmax) {
    float v = x / scale;
    v = Math.min(Math.max(v, (float) (qmin - zeroPoint)), (float) (qmax - zeroPoint));
    return (int) Math.rint(v) + zeroPoint;
  }

  @Override
  public void dequantize(byte[] q, int off, int len, boolean unsigned, float scale,
      int zeroPoint, float[] out, int outOff) {
    int byteMask = unsigned ? 0xFF : -1;
    for (int i = 0; i < len; i++) {
      out[outOff + i] = dequantize(q[off + i] & byteMask, scale, zeroPoint);
    }
  }

  static float dequantize(int q, float scale, int zeroPoint) {
    return (float) (q - zeroPoint) * scale;
  }

  @Override
  public void fakeQuantize(float[] a, int off, int len, float scale, int zeroPoint, int qmin,
      int qmax, float[] out, int outOff) {
    for (int i = 0; i < len; i++) {
      int q = quantize(a[off + i], scale, zeroPoint, qmin, qmax);
      out[outOff + i] = dequantize(q, scale, zeroPoint);
    }
  }

  @Override
  public void errorSums(float[] x, int xOff, float[] y, int yOff, int len, double[] out) {
    int body = len - len % LANES;
    double[][] lanes = new double[ERROR_TERMS][LANES];
    for (int i = 0; i < body; i++) {
      float xi = x[xOff + i];
      float yi = y[yOff + i];
      if (Float.isFinite(xi) && Float.isFinite(yi)) {
        double dx = xi;
        double dy = yi;
        double diff = dx - dy;
        lanes[0][i % LANES] += dx * dx;
        lanes[1][i % LANES] += dy * dy;
        lanes[2][i % LANES] += dx * dy;
        lanes[3][i % LANES] += diff * diff;
      }
    }
    double[] totals = new double[ERROR_TERMS];
    for (int k = 0; k < ERROR_TERMS; k++) {
      totals[k] = LaneSum.combine(lanes[k], 0);
    }
    errorSumsInOrder(x, xOff + body, y, yOff + body, len - body, totals);
    for (int k = 0; k < ERROR_TERMS; k++) {
      out[k] += totals[k];
    }
  }

  /** Adds the error terms of the pairs one by one: the tail rule of the contract. */
  static void errorSumsInOrder(float[] x, int xOff, float[] y, int yOff, int len,
      double[] totals) {
    for (int i = 0; i < len; i++) {
      float xi = x[xOff + i];
      float yi = y[yOff + i];
      if (Float.isFinite(xi) && Float.isFinite(yi)) {
        double dx = xi;
        double dy = yi;
        double diff = dx - dy;
        totals[0] += dx * dx;
        totals[1] += dy * dy;
        totals[2] += dx * dy;
        totals[3] += diff * diff;
      }
    }
  }

  @Override
  public double divergenceEstimate(double[] p, double[] q, int n) {
    double sp = 0;
    double sq = 0;
    for (int j = 0; j < n; j++) {
      sp += p[j];
      sq += q[j];
    }
    double kl = 0;
    for (int j = 0; j < n; j++) {
      double pj = p[j] / sp;
      kl += pj * Math.log(pj / (q[j] / sq));
    }
    return kl;
  }
}
