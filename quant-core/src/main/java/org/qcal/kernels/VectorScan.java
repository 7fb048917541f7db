package org.qcal.kernels;

import static org.qcal.kernels.TensorKernels.LANES;
import static org.qcal.kernels.VectorKernels.DOUBLES;
import static org.qcal.kernels.VectorKernels.FLOATS;
import static org.qcal.kernels.VectorKernels.HALF;
import static org.qcal.kernels.VectorKernels.INTS;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * The running state of {@link VectorKernels#scan}, fed one chunk at a time: the eight logical
 * lanes of the sum and of the sum of squares, the lane-wise extremes as order keys, and the
 * non-finite counts.
 *
 * <p>The state lives in arrays between chunks because C2 (JDK 17) keeps vectors in registers
 * through one loop but boxes them, allocating at every step, when they are carried through
 * nested loops. Each chunk is first added on the assumption that all of it is finite, which
 * needs no test per element: a NaN or an infinity turns a lane of the sum of squares non-finite,
 * which finite floats cannot (their squares are below 2^256). Only then is the chunk added again
 * from the saved state, value by value skipping what is not finite.
 */
final class VectorScan {
  private static final int MIN_KEY_START = orderKey(Float.POSITIVE_INFINITY);
  private static final int MAX_KEY_START = orderKey(Float.NEGATIVE_INFINITY);

  /** Sum lanes 0..7, then sum of squares lanes 0..7. */
  private final double[] sums = new double[2 * LANES];
  /** Minimum keys of lanes 0..7, then maximum keys. */
  private final int[] keys = new int[2 * LANES];
  private long nanCount;
  private long posInfCount;
  private long negInfCount;

  VectorScan() {
    for (int i = 0; i < LANES; i++) {
      keys[i] = MIN_KEY_START;
      keys[LANES + i] = MAX_KEY_START;
    }
  }

  /** Adds {@code a[from, to)}, a whole number of groups of eight. */
  void add(float[] a, int from, int to) {
    if (!addIfAllFinite(a, from, to)) {
      addFiniteOnly(a, from, to);
    }
  }

  /** Writes the extremes, counts and combined lane sums of everything added so far. */
  void writeTo(RangeScan out) {
    IntVector minKeys = IntVector.fromArray(INTS, keys, 0);
    IntVector maxKeys = IntVector.fromArray(INTS, keys, LANES);
    out.min = fromOrderKey(minKeys.reduceLanes(VectorOperators.MIN));
    out.max = fromOrderKey(maxKeys.reduceLanes(VectorOperators.MAX));
    out.nanCount = nanCount;
    out.posInfCount = posInfCount;
    out.negInfCount = negInfCount;
    out.sum = LaneSum.combine(sums, 0);
    out.sumSquares = LaneSum.combine(sums, LANES);
  }

  private boolean addIfAllFinite(float[] a, int from, int to) {
    IntVector minKey = IntVector.fromArray(INTS, keys, 0);
    IntVector maxKey = IntVector.fromArray(INTS, keys, LANES);
    DoubleVector sumLo = DoubleVector.fromArray(DOUBLES, sums, 0);
    DoubleVector sumHi = DoubleVector.fromArray(DOUBLES, sums, HALF);
    DoubleVector sqLo = DoubleVector.fromArray(DOUBLES, sums, LANES);
    DoubleVector sqHi = DoubleVector.fromArray(DOUBLES, sums, LANES + HALF);
    for (int i = from; i < to; i += LANES) {
      IntVector key = orderKey(FloatVector.fromArray(FLOATS, a, i));
      minKey = minKey.min(key);
      maxKey = maxKey.max(key);
      DoubleVector lo = VectorKernels.widen(a, i);
      DoubleVector hi = VectorKernels.widen(a, i + HALF);
      sumLo = sumLo.add(lo);
      sumHi = sumHi.add(hi);
      // Squares of floats are exact in double, so the fused form rounds like square-then-add.
      sqLo = lo.fma(lo, sqLo);
      sqHi = hi.fma(hi, sqHi);
    }
    if (!VectorKernels.isFinite(sqLo.add(sqHi))) {
      return false;
    }
    store(minKey, maxKey, sumLo, sumHi, sqLo, sqHi);
    return true;
  }

  private void addFiniteOnly(float[] a, int from, int to) {
    IntVector minKey = IntVector.fromArray(INTS, keys, 0);
    IntVector maxKey = IntVector.fromArray(INTS, keys, LANES);
    DoubleVector sumLo = DoubleVector.fromArray(DOUBLES, sums, 0);
    DoubleVector sumHi = DoubleVector.fromArray(DOUBLES, sums, HALF);
    DoubleVector sqLo = DoubleVector.fromArray(DOUBLES, sums, LANES);
    DoubleVector sqHi = DoubleVector.fromArray(DOUBLES, sums, LANES + HALF);
    for (int i = from; i < to; i += LANES) {
      FloatVector v = FloatVector.fromArray(FLOATS, a, i);
      VectorMask<Float> skip = v.abs().lt(Float.POSITIVE_INFINITY).not();
      nanCount += v.compare(VectorOperators.NE, v).trueCount();
      posInfCount += v.eq(Float.POSITIVE_INFINITY).trueCount();
      negInfCount += v.eq(Float.NEGATIVE_INFINITY).trueCount();
      IntVector key = orderKey(v);
      VectorMask<Integer> skipKey = skip.cast(INTS);
      minKey = minKey.min(key.blend(MIN_KEY_START, skipKey));
      maxKey = maxKey.max(key.blend(MAX_KEY_START, skipKey));
      // Adding +0.0 leaves a lane as it is (a lane sum that starts at +0.0 is never -0.0).
      FloatVector kept = v.blend(0f, skip);
      DoubleVector lo = (DoubleVector) kept.convertShape(VectorOperators.F2D, DOUBLES, 0);
      DoubleVector hi = (DoubleVector) kept.convertShape(VectorOperators.F2D, DOUBLES, 1);
      sumLo = sumLo.add(lo);
      sumHi = sumHi.add(hi);
      sqLo = lo.fma(lo, sqLo);
      sqHi = hi.fma(hi, sqHi);
    }
    store(minKey, maxKey, sumLo, sumHi, sqLo, sqHi);
  }

  private void store(IntVector minKey, IntVector maxKey, DoubleVector sumLo, DoubleVector sumHi,
      DoubleVector sqLo, DoubleVector sqHi) {
    minKey.intoArray(keys, 0);
    maxKey.intoArray(keys, LANES);
    sumLo.intoArray(sums, 0);
    sumHi.intoArray(sums, HALF);
    sqLo.intoArray(sums, LANES);
    sqHi.intoArray(sums, LANES + HALF);
  }

  /**
   * Maps float bits to ints whose signed order is the order of {@link Math#min(float, float)}
   * (-0.0 below 0.0; NaNs beyond the infinities, where the chunk test catches them). Integer min
   * and max are one instruction each; the float ones take a blend sequence per step to follow
   * Java's rules for -0.0 and NaN.
   */
  private static IntVector orderKey(FloatVector v) {
    IntVector bits = v.reinterpretAsInts();
    return bits.lanewise(VectorOperators.XOR,
        bits.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.LSHR, 1));
  }

  private static int orderKey(float x) {
    int bits = Float.floatToRawIntBits(x);
    return bits ^ ((bits >> 31) >>> 1);
  }

  /** The inverse of {@link #orderKey(float)}, which is its own inverse. */
  private static float fromOrderKey(int key) {
    return Float.intBitsToFloat(key ^ ((key >> 31) >>> 1));
  }
}
