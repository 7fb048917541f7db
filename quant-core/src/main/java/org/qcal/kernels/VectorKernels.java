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
 * to two halves of four double lanes (lanes 0-3 and 4-7). The elements after the last full group
 * of eight go through {@link ScalarKernels}' code, as the contract's tail rule asks.
 *
 * <p>Written for what C2 compiles to SIMD in JDK 17: only whole-vector operations in the loops,
 * no float-to-int vector conversion (C2 runs it lane by lane; whole floats are turned into ints
 * with {@link #ROUNDING_MAGIC} instead), no Java-semantics float min/max in hot loops (a blend
 * sequence each), and no vectors carried through nested loops (C2 boxes them).
 */
public final class VectorKernels implements TensorKernels {
  static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_256;
  static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_256;
  static final VectorSpecies<Integer> INTS = IntVector.SPECIES_256;
  static final int HALF = LANES / 2;
  private static final VectorSpecies<Float> HALF_FLOATS = FloatVector.SPECIES_128;
  private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_64;
  private static final VectorSpecies<Short> SHORTS = ShortVector.SPECIES_128;

  /**
   * 1.5 * 2^23. For |v| < 2^22 the float sum {@code v + MAGIC} lies in [2^23, 2^24), where floats
   * are spaced by 1, so the addition itself rounds v half to even, and the raw bits of the sum
   * minus the bits of MAGIC are that integer.
   */
  private static final float ROUNDING_MAGIC = 12582912f;
  private static final int ROUNDING_MAGIC_BITS = Float.floatToRawIntBits(ROUNDING_MAGIC);

  /** Values per chunk of scan and errorSums (see {@link VectorScan}). */
  private static final int CHUNK = 512;
  /** Bin indices are computed with vectors into this many ints, then counted one by one. */
  private static final int BIN_CHUNK = 1024;
  private static final ThreadLocal<int[]> BIN_SCRATCH =
      ThreadLocal.withInitial(() -> new int[BIN_CHUNK]);
  private static final ScalarKernels TAIL = new ScalarKernels();

  static {
    if (FLOATS.length() != LANES) {
      throw new AssertionError("float species has " + FLOATS.length() + " lanes, want " + LANES);
    }
  }

  /**
   * The narrower of the machine's preferred float and int vector sizes, in bits: below 256 the
   * Vector API runs our species in slow Java code (e.g. AVX1 has no 256-bit integer vectors).
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
    VectorScan lanes = new VectorScan();
    for (int start = 0; start < body; start += CHUNK) {
      lanes.add(a, off + start, off + Math.min(start + CHUNK, body));
    }
    lanes.writeTo(out);
    ScalarKernels.scanInOrder(a, off + body, len - body, out);
  }

  @Override
  public void errorSums(float[] x, int xOff, float[] y, int yOff, int len, double[] out) {
    int body = FLOATS.loopBound(len);
    VectorErrorSums lanes = new VectorErrorSums();
    for (int start = 0; start < body; start += CHUNK) {
      lanes.add(x, xOff + start, y, yOff + start, Math.min(CHUNK, body - start));
    }
    double[] totals = lanes.totals();
    ScalarKernels.errorSumsInOrder(x, xOff + body, y, yOff + body, len - body, totals);
    for (int k = 0; k < totals.length; k++) {
      out[k] += totals[k];
    }
  }

  /** Four floats from {@code a[i]} as doubles: one half of a logical eight-lane group. */
  static DoubleVector widen(float[] a, int i) {
    return (DoubleVector) FloatVector.fromArray(HALF_FLOATS, a, i)
        .convertShape(VectorOperators.F2D, DOUBLES, 0);
  }

  static boolean isFinite(DoubleVector v) {
    return v.abs().lt(Double.POSITIVE_INFINITY).allTrue();
  }

  @Override
  public void histogram(float[] a, int off, int len, float invWidth, int negBins, int posBins,
      long[] counts) {
    int body = FLOATS.loopBound(len);
    int[] bins = BIN_SCRATCH.get();
    // Bin arithmetic stays in float, where it is exact for whole numbers below 2^22.
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
        // m = min(trunc(|x| * invWidth), side - 1); an empty side has m = -1, which lands in
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
    TAIL.histogram(a, off + body, len - body, invWidth, negBins, posBins, counts);
  }

  /** Counts the first {@code n} bins; with {@code skipped}, negative bins mark skipped values. */
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
    TAIL.quantize(a, off + body, len - body, scale, zeroPoint, qmin, qmax, out, outOff + body);
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
    TAIL.quantize(a, off + body, len - body, scale, zeroPoint, qmin, qmax, out, outOff + body);
  }

  @Override
  public void fakeQuantize(float[] a, int off, int len, float scale, int zeroPoint, int qmin,
      int qmax, float[] out, int outOff) {
    int body = FLOATS.loopBound(len);
    QuantizeRule rule = new QuantizeRule(scale, zeroPoint, qmin, qmax);
    for (int i = 0; i < body; i += LANES) {
      rule.fakeQuantize(FloatVector.fromArray(FLOATS, a, off + i)).intoArray(out, outOff + i);
    }
    TAIL.fakeQuantize(a, off + body, len - body, scale, zeroPoint, qmin, qmax, out,
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
    TAIL.dequantize(q, off + body, len - body, unsigned, scale, zeroPoint, out, outOff + body);
  }

  /** rint for |v| < 2^22 (see {@link #ROUNDING_MAGIC}); a zero result is +0.0. */
  private static FloatVector roundHalfEven(FloatVector v) {
    return v.add(ROUNDING_MAGIC).sub(ROUNDING_MAGIC);
  }

  /** The ints of whole floats below 2^22 in magnitude, without a conversion instruction. */
  private static IntVector wholeToInt(FloatVector v) {
    return v.add(ROUNDING_MAGIC).reinterpretAsInts().sub(ROUNDING_MAGIC_BITS);
  }

  /** The per-call constants of quantize and fake-quantize, applied to eight lanes at a time. */
  private static final class QuantizeRule {
    // Scalars, not vectors: C2 hoists their broadcasts out of the loop, while vector fields
    // would be read back from their boxes at every step.
    private final float scale;
    private final float low;
    private final float high;
    private final int magicBitsMinusZeroPoint;

    QuantizeRule(float scale, int zeroPoint, int qmin, int qmax) {
      this.scale = scale;
      this.low = qmin - zeroPoint;
      this.high = qmax - zeroPoint;
      this.magicBitsMinusZeroPoint = ROUNDING_MAGIC_BITS - zeroPoint;
    }

    /**
     * x / scale clamped to [qmin - zp, qmax - zp], with NaN made 0 so that it quantizes to zp.
     * The bounds are whole numbers of at most 17 bits, so the result can be rounded with the
     * magic number. Compare-and-blend clamps cheaper than Java's min and max, and the
     * self-comparison finds NaN cheaper than {@code test(IS_NAN)} does in JDK 17.
     */
    private FloatVector clamped(FloatVector x) {
      FloatVector t = x.div(scale);
      t = t.blend(0f, t.compare(VectorOperators.NE, t));
      t = t.blend(low, t.lt(low));
      return t.blend(high, t.compare(VectorOperators.GT, high));
    }

    /** The quantized values, zero point included. */
    IntVector quantize(FloatVector x) {
      // wholeToInt, with the zero point folded into its subtraction
      return clamped(x).add(ROUNDING_MAGIC).reinterpretAsInts().sub(magicBitsMinusZeroPoint);
    }

    /** (q - zp) * scale, where {@code q - zp} is the rounded clamped quotient. */
    FloatVector fakeQuantize(FloatVector x) {
      return roundHalfEven(clamped(x)).mul(scale);
    }
  }

  @Override
  public double divergenceEstimate(double[] p, double[] q, int n) {
    int body = DOUBLES.loopBound(n);
    DoubleVector vp = DoubleVector.zero(DOUBLES);
    DoubleVector vq = DoubleVector.zero(DOUBLES);
    for (int j = 0; j < body; j += DOUBLES.length()) {
      vp = vp.add(DoubleVector.fromArray(DOUBLES, p, j));
      vq = vq.add(DoubleVector.fromArray(DOUBLES, q, j));
    }
    double sp = vp.reduceLanes(VectorOperators.ADD);
    double sq = vq.reduceLanes(VectorOperators.ADD);
    for (int j = body; j < n; j++) {
      sp += p[j];
      sq += q[j];
    }
    double invSp = 1 / sp;
    double invSq = 1 / sq;
    DoubleVector kl = DoubleVector.zero(DOUBLES);
    for (int j = 0; j < body; j += DOUBLES.length()) {
      DoubleVector pj = DoubleVector.fromArray(DOUBLES, p, j).mul(invSp);
      DoubleVector qj = DoubleVector.fromArray(DOUBLES, q, j).mul(invSq);
      kl = pj.fma(pj.div(qj).lanewise(VectorOperators.LOG), kl);
    }
    double sum = kl.reduceLanes(VectorOperators.ADD);
    for (int j = body; j < n; j++) {
      double pj = p[j] * invSp;
      sum += pj * Math.log(pj / (q[j] * invSq));
    }
    return sum;
  }
}
