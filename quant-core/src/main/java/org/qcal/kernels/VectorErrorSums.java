package org.qcal.kernels;

import static org.qcal.kernels.TensorKernels.LANES;
import static org.qcal.kernels.VectorKernels.DOUBLES;
import static org.qcal.kernels.VectorKernels.FLOATS;
import static org.qcal.kernels.VectorKernels.HALF;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * The running lanes of {@link VectorKernels#errorSums}, fed one chunk at a time, with the same
 * scheme as {@link VectorScan}: state in an array between chunks, each chunk added first as if
 * all pairs were finite, and added again from the saved state, skipping pairs with a NaN or an
 * infinity, only when a lane of sum x^2 or sum y^2 turned non-finite.
 */
final class VectorErrorSums {
  private static final int TERMS = ScalarKernels.ERROR_TERMS;

  /** Lanes 0..7 of sum x^2, then of sum y^2, sum xy and sum (x - y)^2. */
  private final double[] lanes = new double[TERMS * LANES];

  /** Adds pairs {@code x[xFrom + i], y[yFrom + i]} for i in [0, n), n a multiple of eight. */
  void add(float[] x, int xFrom, float[] y, int yFrom, int n) {
    if (!addIfAllFinite(x, xFrom, y, yFrom, n)) {
      addFiniteOnly(x, xFrom, y, yFrom, n);
    }
  }

  /** The four sums so far, each with its lanes combined in the fixed order. */
  double[] totals() {
    double[] totals = new double[TERMS];
    for (int k = 0; k < TERMS; k++) {
      totals[k] = LaneSum.combine(lanes, k * LANES);
    }
    return totals;
  }

  private boolean addIfAllFinite(float[] x, int xFrom, float[] y, int yFrom, int n) {
    DoubleVector xxLo = load(0);
    DoubleVector xxHi = load(1);
    DoubleVector yyLo = load(2);
    DoubleVector yyHi = load(3);
    DoubleVector xyLo = load(4);
    DoubleVector xyHi = load(5);
    DoubleVector ddLo = load(6);
    DoubleVector ddHi = load(7);
    for (int i = 0; i < n; i += LANES) {
      DoubleVector xl = VectorKernels.widen(x, xFrom + i);
      DoubleVector xh = VectorKernels.widen(x, xFrom + i + HALF);
      DoubleVector yl = VectorKernels.widen(y, yFrom + i);
      DoubleVector yh = VectorKernels.widen(y, yFrom + i + HALF);
      // Products of floats are exact in double, so fused and unfused forms round alike; the
      // difference is not exact, so its square is formed and then added, as the contract says.
      xxLo = xl.fma(xl, xxLo);
      xxHi = xh.fma(xh, xxHi);
      yyLo = yl.fma(yl, yyLo);
      yyHi = yh.fma(yh, yyHi);
      xyLo = xl.fma(yl, xyLo);
      xyHi = xh.fma(yh, xyHi);
      DoubleVector dl = xl.sub(yl);
      DoubleVector dh = xh.sub(yh);
      ddLo = ddLo.add(dl.mul(dl));
      ddHi = ddHi.add(dh.mul(dh));
    }
    // Finite squares cannot overflow a double: a non-finite lane means a NaN or an infinity.
    if (!VectorKernels.isFinite(xxLo.add(xxHi).add(yyLo).add(yyHi))) {
      return false;
    }
    store(xxLo, xxHi, yyLo, yyHi, xyLo, xyHi, ddLo, ddHi);
    return true;
  }

  private void addFiniteOnly(float[] x, int xFrom, float[] y, int yFrom, int n) {
    DoubleVector xxLo = load(0);
    DoubleVector xxHi = load(1);
    DoubleVector yyLo = load(2);
    DoubleVector yyHi = load(3);
    DoubleVector xyLo = load(4);
    DoubleVector xyHi = load(5);
    DoubleVector ddLo = load(6);
    DoubleVector ddHi = load(7);
    for (int i = 0; i < n; i += LANES) {
      FloatVector xv = FloatVector.fromArray(FLOATS, x, xFrom + i);
      FloatVector yv = FloatVector.fromArray(FLOATS, y, yFrom + i);
      VectorMask<Float> skip = xv.abs().lt(Float.POSITIVE_INFINITY)
          .and(yv.abs().lt(Float.POSITIVE_INFINITY)).not();
      // A zeroed pair adds +0.0 to every lane, which leaves it as it is.
      xv = xv.blend(0f, skip);
      yv = yv.blend(0f, skip);
      DoubleVector xl = half(xv, 0);
      DoubleVector xh = half(xv, 1);
      DoubleVector yl = half(yv, 0);
      DoubleVector yh = half(yv, 1);
      xxLo = xl.fma(xl, xxLo);
      xxHi = xh.fma(xh, xxHi);
      yyLo = yl.fma(yl, yyLo);
      yyHi = yh.fma(yh, yyHi);
      xyLo = xl.fma(yl, xyLo);
      xyHi = xh.fma(yh, xyHi);
      DoubleVector dl = xl.sub(yl);
      DoubleVector dh = xh.sub(yh);
      ddLo = ddLo.add(dl.mul(dl));
      ddHi = ddHi.add(dh.mul(dh));
    }
    store(xxLo, xxHi, yyLo, yyHi, xyLo, xyHi, ddLo, ddHi);
  }

  private static DoubleVector half(FloatVector v, int part) {
    return (DoubleVector) v.convertShape(VectorOperators.F2D, DOUBLES, part);
  }

  /** Half {@code h} of the lanes: halves 0, 1 are sum x^2, then 2, 3 sum y^2 and so on. */
  private DoubleVector load(int h) {
    return DoubleVector.fromArray(DOUBLES, lanes, h * HALF);
  }

  private void store(DoubleVector xxLo, DoubleVector xxHi, DoubleVector yyLo, DoubleVector yyHi,
      DoubleVector xyLo, DoubleVector xyHi, DoubleVector ddLo, DoubleVector ddHi) {
    xxLo.intoArray(lanes, 0);
    xxHi.intoArray(lanes, HALF);
    yyLo.intoArray(lanes, 2 * HALF);
    yyHi.intoArray(lanes, 3 * HALF);
    xyLo.intoArray(lanes, 4 * HALF);
    xyHi.intoArray(lanes, 5 * HALF);
    ddLo.intoArray(lanes, 6 * HALF);
    ddHi.intoArray(lanes, 7 * HALF);
  }
}
