package org.qcal.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@link TensorKernels} with the Vector API (jdk.incubator.vector). The logical width is fixed
 * at 256 bits, eight float lanes, whatever the machine prefers: one float lane is one logical
 * accumulation lane of the contract, so results never depend on the hardware. Sums are widened
 * to two halves of four double lanes each (lanes 0-3 and 4-7). The elements after the last full
 * group of eight go through {@link ScalarKernels}' in-order helpers, as the contract's tail rule
 * asks.
 *
 * <p>Only whole-vector operations appear in the loops, so that C2 compiles them to SIMD
 * instructions; non-finite values are handled in a branch that is rarely taken.
 */
public final class VectorKernels implements TensorKernels {
  private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_256;
  private static final VectorSpecies<Float> HALF_FLOATS = FloatVector.SPECIES_128;
  private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_256;
  private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_256;
  private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_64;
  private static final VectorSpecies<Short> SHORTS = ShortVector.SPECIES_128;
  private static final int HALF = LANES / 2;

  /**
   * 1.5 * 2^23. For |v| < 2^22 the float sum {@code v + MAGIC} lies in [2^23, 2^24), where the
   * spacing of floats is 1, so the addition itself rounds v half to even, and the raw bits of the
   * sum minus the bits of MAGIC are that integer. Quantize clamps to at most 17-bit ranges first.
   */
  private static final float ROUNDING_MAGIC = 12582912f;
  private static final int ROUNDING_MAGIC_BITS = Float.floatToRawIntBits(ROUNDING_MAGIC);

  /** Values per chunk of scan and errorSums; a chunk that holds a NaN or an infinity is redone. */
  private static final int CHUNK = 512;

  /** Bin indices are computed with vectors into this many ints, then counted one by one. */
  private static final int BIN_CHUNK = 1024;
  private static final ThreadLocal<int[]> BIN_SCRATCH =
      ThreadLocal.withInitial(() -> new int[BIN_CHUNK]);

  static {
    if (FLOATS.length() != LANES) {
      throw new AssertionError("float species has " + FLOATS.length() + " lanes, want " + LANES);
    }
  }

  /**
   * The narrower of the machine's preferred float and int vector sizes, in bits: below 256 the
   * Vector API falls back to slow code for our species (e.g. AVX1 has no 256-bit integers).
   */
  public static int preferredBitSize() {
    return Math.min(FloatVector.SPECIES_PREFERRED.vectorBitSize(),
        IntVector.SPECIES_PREFERRED.vectorBitSize());
  }

  @Override
  public String name() {
    return "vector-" + FLOATS.vectorBitSize();
  }

  @Override
  public void scan(float[] a, int off, int len, RangeScan out) {
    out.reset();
    int body = FLOATS.loopBound(len);
    IntVector minKey = IntVector.broadcast(INTS, orderKey(Float.POSITIVE_INFINITY));
    IntVector maxKey = IntVector.broadcast(INTS, orderKey(Float.NEGATIVE_INFINITY));
    DoubleVector sumLo = DoubleVector.zero(DOUBLES);
    DoubleVector sumHi = sumLo;
    DoubleVector sqLo = sumLo;
    DoubleVector sqHi = sumLo;
    long nan = 0;
    long posInf = 0;
    long negInf = 0;
    for (int start = 0; start < body; start += CHUNK) {
      int end = Math.min(start + CHUNK, body);
      IntVector minKey0 = minKey;
      IntVector maxKey0 = maxKey;
      DoubleVector sumLo0 = sumLo;
      DoubleVector sumHi0 = sumHi;
      DoubleVector sqLo0 = sqLo;
      DoubleVector sqHi0 = sqHi;
      for (int i = start; i < end; i += LANES) {
        IntVector key = orderKey(FloatVector.fromArray(FLOATS, a, off + i));
        minKey = minKey.min(key);
        maxKey = maxKey.max(key);
        DoubleVector lo = widen(a, off + i);
        DoubleVector hi = widen(a, off + i + HALF);
        sumLo = sumLo.add(lo);
        sumHi = sumHi.add(hi);
        // Squares of floats are exact in double, so the fused form rounds like square-then-add.
        sqLo = lo.fma(lo, sqLo);
        sqHi = hi.fma(hi, sqHi);
      }
      if (isFinite(sqLo.add(sqHi))) {
        continue;
      }
      // A NaN or an infinity came in (finite squares cannot overflow): redo the chunk without.
      minKey = minKey0;
      maxKey = maxKey0;
      sumLo = sumLo0;
      sumHi = sumHi0;
      sqLo = sqLo0;
      sqHi = sqHi0;
      for (int i = start; i < end; i += LANES) {
        FloatVector v = FloatVector.fromArray(FLOATS, a, off + i);
        VectorMask<Float> skip = v.abs().lt(Float.POSITIVE_INFINITY).not();
        nan += v.compare(VectorOperators.NE, v).trueCount();
        posInf += v.eq(Float.POSITIVE_INFINITY).trueCount();
        negInf += v.eq(Float.NEGATIVE_INFINITY).trueCount();
        IntVector key = orderKey(v);
        VectorMask<Integer> skipKey = skip.cast(INTS);
        minKey = minKey.min(key.blend(orderKey(Float.POSITIVE_INFINITY), skipKey));
        maxKey = maxKey.max(key.blend(orderKey(Float.NEGATIVE_INFINITY), skipKey));
        // Adding +0.0 leaves a lane unchanged (a lane sum that starts at +0.0 is never -0.0).
        FloatVector kept = v.blend(0f, skip);
        DoubleVector lo = (DoubleVector) kept.convertShape(VectorOperators.F2D, DOUBLES, 0);
        DoubleVector hi = (DoubleVector) kept.convertShape(VectorOperators.F2D, DOUBLES, 1);
        sumLo = sumLo.add(lo);
        sumHi = sumHi.add(hi);
        sqLo = lo.fma(lo, sqLo);
        sqHi = hi.fma(hi, sqHi);
      }
    }
    out.min = fromOrderKey(minKey.reduceLanes(VectorOperators.MIN));
    out.max = fromOrderKey(maxKey.reduceLanes(VectorOperators.MAX));
    out.nanCount = nan;
    out.posInfCount = posInf;
    out.negInfCount = negInf;
    out.sum = combine(sumLo, sumHi);
    out.sumSquares = combine(sqLo, sqHi);
    ScalarKernels.scanInOrder(a, off + body, len - body, out);
  }

  /**
   * Maps float bits to ints whose signed order is the order of {@link Math#min(float, float)}
   * (-0.0 below 0.0, NaNs beyond the infinities). Integer min and max are single instructions,
   * while the float ones need a blend sequence per step for Java's -0.0 and NaN rules.
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

  /** The inverse of {@link #orderKey(float)} (the mapping is its own inverse). */
  private static float fromOrderKey(int key) {
    return Float.intBitsToFloat(key ^ ((key >> 31) >>> 1));
  }

  private static boolean isFinite(DoubleVector v) {
    return v.abs().lt(Double.POSITIVE_INFINITY).allTrue();
  }

  /** Four floats from {@code a[i]} as doubles: one half of a logical eight-lane group. */
  private static DoubleVector widen(float[] a, int i) {
    return (DoubleVector) FloatVector.fromArray(HALF_FLOATS, a, i)
        .convertShape(VectorOperators.F2D, DOUBLES, 0);
  }

  private static double combine(DoubleVector lanes0to3, DoubleVector lanes4to7) {
    double[] lanes = new double[LANES];
    lanes0to3.intoArray(lanes, 0);
    lanes4to7.intoArray(lanes, HALF);
    return LaneSum.combine(lanes);
  }

  @Override
  public void histogram(float[] a, int off, int len, float invWidth, int negBins, int posBins,
      long[] counts) {
    int body = FLOATS.loopBound(len);
    int[] bins = BIN_SCRATCH.get();
    // Bin arithmetic stays in float, exact for whole numbers below 2^22, because Java 17's C2
    // does not compile the float-to-int vector conversion (it would run lane by lane).
    FloatVector inv = FloatVector.broadcast(FLOATS, invWidth);
    FloatVector firstPositive = FloatVector.broadcast(FLOATS, negBins);
    FloatVector lastNegative = FloatVector.broadcast(FLOATS, negBins - 1);
    FloatVector lastPositive = FloatVector.broadcast(FLOATS, posBins - 1);
    for (int start = 0; start < body; start += BIN_CHUNK) {
      int n = Math.min(BIN_CHUNK, body - start);
      boolean skipped = false;
      for (int j = 0; j < n; j += LANES) {
        FloatVector v = FloatVector.fromArray(FLOATS, a, off + start + j);
        FloatVector magnitude = v.abs();
        VectorMask<Float> negative = v.lt(0f);
        // m = min(trunc(|x| * invWidth), side - 1); a side of 0 bins gives m = -1, which is
        // the nearest bin of the other side.
        FloatVector last = lastPositive.blend(lastNegative, negative);
        FloatVector t = magnitude.mul(inv);
        t = t.blend(last, t.compare(VectorOperators.GT, last));
        FloatVector m = roundHalfEven(t);
        m = m.blend(m.sub(1f), m.compare(VectorOperators.GT, t));
        FloatVector bin = firstPositive.add(m).blend(lastNegative.sub(m), negative);
        VectorMask<Float> finite = magnitude.lt(Float.POSITIVE_INFINITY);
        if (!finite.allTrue()) {
          bin = bin.blend(-1f, finite.not());
          skipped = true;
        }
        wholeToInt(bin).intoArray(bins, j);
      }
      count(bins, n, skipped, counts);
    }
    new ScalarKernels().histogram(a, off + body, len - body, invWidth, negBins, posBins, counts);
  }

  /** rint for |v| < 2^22 (see {@link #ROUNDING_MAGIC}). */
  private static FloatVector roundHalfEven(FloatVector v) {
    return v.add(ROUNDING_MAGIC).sub(ROUNDING_MAGIC);
  }

  /** The int value of whole floats below 2^22 in magnitude, without a conversion instruction. */
  private static IntVector wholeToInt(FloatVector v) {
    return v.add(ROUNDING_MAGIC).reinterpretAsInts().sub(ROUNDING_MAGIC_BITS);
  }

  /** Counts the first {@code n} bins; with {@code skipped}, bins below 0 mark skipped values. */
  private static void count(int[] bins, int n, boolean skipped, long[] counts) {
    if (skipped) {
      for (int j = 0; j < n; j++) {
        int b = bins[j];
        if (b >= 0) {
          counts[b]++;
        }
      }
    } else {
      for (int j = 0; j < n; j++) {
        counts[bins[j]]++;
      }
    }
  }

  @Override
  public void quantize(float[] a, int off, int len, float scale, int zeroPoint, int qmin,
      int qmax, byte[] out, int outOff) {
    int body = FLOATS.loopBound(len);
    QuantizeRule rule = new QuantizeRule(scale, zeroPoint, qmin, qmax);
    for (int i = 0; i < body; i += LANES) {
      ByteVector q = (ByteVector) rule.quantize(FloatVector.fromArray(FLOATS, a, off + i))
          .convertShape(VectorOperators.I2B, BYTES, 0);
      q.intoArray(out, outOff + i);
    }
    new ScalarKernels().quantize(a, off + body, len - body, scale, zeroPoint, qmin, qmax, out,
        outOff + body);
  }

  @Override
  public void quantize(float[] a, int off, int len, float scale, int zeroPoint, int qmin,
      int qmax, short[] out, int outOff) {
    int body = FLOATS.loopBound(len);
    QuantizeRule rule = new QuantizeRule(scale, zeroPoint, qmin, qmax);
    for (int i = 0; i < body; i += LANES) {
      ShortVector q = (ShortVector) rule.quantize(FloatVector.fromArray(FLOATS, a, off + i))
          .convertShape(VectorOperators.I2S, SHORTS, 0);
      q.intoArray(out, outOff + i);
    }
    new ScalarKernels().quantize(a, off + body, len - body, scale, zeroPoint, qmin, qmax, out,
        outOff + body);
  }

  @Override
  public void dequantize(byte[] q, int off, int len, boolean unsigned, float scale,
      int zeroPoint, float[] out, int outOff) {
    int body = FLOATS.loopBound(len);
    int byteMask = unsigned ? 0xFF : -1;
    for (int i = 0; i < body; i += LANES) {
      IntVector v = (IntVector) ByteVector.fromArray(BYTES, q, off + i)
          .convertShape(VectorOperators.B2I, INTS, 0);
      FloatVector diff = (FloatVector) v.and(byteMask).sub(zeroPoint)
          .convertShape(VectorOperators.I2F, FLOATS, 0);
      diff.mul(scale).intoArray(out, outOff + i);
    }
    new ScalarKernels().dequantize(q, off + body, len - body, unsigned, scale, zeroPoint, out,
        outOff + body);
  }

  @Override
  public void fakeQuantize(float[] a, int off, int len, float scale, int zeroPoint, int qmin,
      int qmax, float[] out, int outOff) {
    int body = FLOATS.loopBound(len);
    QuantizeRule rule = new QuantizeRule(scale, zeroPoint, qmin, qmax);
    for (int i = 0; i < body; i += LANES) {
      rule.fakeQuantize(FloatVector.fromArray(FLOATS, a, off + i)).intoArray(out, outOff + i);
    }
    new ScalarKernels().fakeQuantize(a, off + body, len - body, scale, zeroPoint, qmin, qmax,
        out, outOff + body);
  }

  @Override
  public void errorSums(float[] x, int xOff, float[] y, int yOff, int len, double[] out) {
    int body = FLOATS.loopBound(len);
    DoubleVector xxLo = DoubleVector.zero(DOUBLES);
    DoubleVector xxHi = xxLo;
    DoubleVector yyLo = xxLo;
    DoubleVector yyHi = xxLo;
    DoubleVector xyLo = xxLo;
    DoubleVector xyHi = xxLo;
    DoubleVector ddLo = xxLo;
    DoubleVector ddHi = xxLo;
    float[] cleaned = null;
    for (int i = 0; i < body; i += LANES) {
      FloatVector xv = FloatVector.fromArray(FLOATS, x, xOff + i);
      FloatVector yv = FloatVector.fromArray(FLOATS, y, yOff + i);
      VectorMask<Float> finite = xv.abs().lt(Float.POSITIVE_INFINITY)
          .and(yv.abs().lt(Float.POSITIVE_INFINITY));
      float[] xs = x;
      int xAt = xOff + i;
      float[] ys = y;
      int yAt = yOff + i;
      if (!finite.allTrue()) {
        // Zeroed pairs add +0.0 to every sum, which leaves the lanes unchanged.
        VectorMask<Float> skip = finite.not();
        cleaned = cleaned == null ? new float[2 * LANES] : cleaned;
        xv.blend(0f, skip).intoArray(cleaned, 0);
        yv.blend(0f, skip).intoArray(cleaned, LANES);
        xs = cleaned;
        xAt = 0;
        ys = cleaned;
        yAt = LANES;
      }
      DoubleVector xl = widen(xs, xAt);
      DoubleVector xh = widen(xs, xAt + HALF);
      DoubleVector yl = widen(ys, yAt);
      DoubleVector yh = widen(ys, yAt + HALF);
      // Products of floats are exact in double: fused and unfused forms round alike. The
      // difference is not exact, so its square is formed and then added, as in the contract.
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
    double[] totals = {
        combine(xxLo, xxHi), combine(yyLo, yyHi), combine(xyLo, xyHi), combine(ddLo, ddHi)};
    ScalarKernels.errorSumsInOrder(x, xOff + body, y, yOff + body, len - body, totals);
    for (int k = 0; k < totals.length; k++) {
      out[k] += totals[k];
    }
  }

  /** The per-call constants of quantize and fake-quantize, applied to eight lanes at a time. */
  private static final class QuantizeRule {
    private final FloatVector scale;
    private final FloatVector low;
    private final FloatVector high;
    private final IntVector magicMinusZeroPoint;

    QuantizeRule(float scale, int zeroPoint, int qmin, int qmax) {
      this.scale = FloatVector.broadcast(FLOATS, scale);
      this.low = FloatVector.broadcast(FLOATS, (float) (qmin - zeroPoint));
      this.high = FloatVector.broadcast(FLOATS, (float) (qmax - zeroPoint));
      this.magicMinusZeroPoint = IntVector.broadcast(INTS, ROUNDING_MAGIC_BITS - zeroPoint);
    }

    /** x / scale clamped to [qmin - zp, qmax - zp], NaN replaced by 0 (it quantizes to zp). */
    private FloatVector clamped(FloatVector x) {
      FloatVector t = x.div(scale);
      t = t.blend(0f, t.test(VectorOperators.IS_NAN));
      return t.max(low).min(high);
    }

    /** The quantized values, zero point included. */
    IntVector quantize(FloatVector x) {
      // wholeToInt with the zero point folded into the subtraction
      return clamped(x).add(ROUNDING_MAGIC).reinterpretAsInts().sub(magicMinusZeroPoint);
    }

    /** (q - zp) * scale; {@code (t + MAGIC) - MAGIC} is rint(t) as a float, and +0.0 for 0. */
    FloatVector fakeQuantize(FloatVector x) {
      return roundHalfEven(clamped(x)).mul(scale);
    }
  }
}
