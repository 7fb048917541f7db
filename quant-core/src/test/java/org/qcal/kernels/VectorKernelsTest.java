package org.qcal.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link VectorKernels} against {@link ScalarKernels}, bit for bit, on arrays of every length
 * 0..1000 at a few offsets, full of the values that break kernels: NaN with payloads, infinities,
 * signed zeros, subnormals, huge values, exact rounding ties and exact bin edges.
 */
class VectorKernelsTest {
  private static final int MAX_LEN = 1000;
  private static final int[] OFFSETS = {0, 3, 8};
  private static final int PAD = 9;

  private final TensorKernels scalar = new ScalarKernels();
  private final TensorKernels vector = new VectorKernels();

  /** The quantization settings tried: scale, zero point, qmin, qmax. */
  private static final Object[][] BYTE_PARAMS = {
      {4.1f / 255, 0, 0, 255}, // uint8 of the design's worked example
      {0.25f, 128, 0, 255}, // power-of-two scale: ties stay ties after division
      {0.0625f, 0, -127, 127}, // int8 symmetric, restricted range
      {0.013f, -3, -128, 127}, // int8 asymmetric
      {0.5f, 0, -64, 64}, // int8 reduce_range
      {1f, 0, -8, 7}, // int4 in a byte
      {0.1f, 7, 0, 15}, // uint4 in a byte
      {Float.MIN_VALUE, 0, -128, 127}, // x / scale overflows to infinity
  };
  private static final Object[][] SHORT_PARAMS = {
      {0.00390625f, 0, -32768, 32767},
      {1e-3f, 32768, 0, 65535},
      {0.5f, -100, -32767, 32767},
  };
  /** Histogram grids: invWidth, negBins, posBins. */
  private static final Object[][] GRIDS = {
      {4f, 2048, 2048}, // power of two: edges k / 4 are exact
      {2048 / 3.7f, 2048, 2048},
      {1f, 3, 50},
      {0.5f, 0, 16}, // negative values go to the first positive bin
      {8f, 16, 0}, // non-negative values go to the last negative bin
      {1e30f, 1, 1}, // products overflow to infinity
  };

  @Test
  void scanEqualsScalarBitForBit() {
    forEveryLengthAndOffset(1f, 4f, (a, off, len) -> {
      RangeScan want = new RangeScan();
      RangeScan got = new RangeScan();
      scalar.scan(a, off, len, want);
      vector.scan(a, off, len, got);
      assertSameScan(want, got, " at len " + len + " off " + off);
    });
  }

  @Test
  void histogramEqualsScalar() {
    for (Object[] g : GRIDS) {
      float invWidth = (float) g[0];
      int negBins = (int) g[1];
      int posBins = (int) g[2];
      forEveryLengthAndOffset(0.25f, invWidth, (a, off, len) -> {
        long[] want = new long[negBins + posBins];
        long[] got = new long[negBins + posBins];
        scalar.histogram(a, off, len, invWidth, negBins, posBins, want);
        vector.histogram(a, off, len, invWidth, negBins, posBins, got);
        assertArrayEquals(want, got, () -> "grid " + Arrays.toString(g) + " len " + len);
      });
    }
  }

  /**
   * Relu-like arrays, a third to all of them zeros of either sign, long enough for several
   * chunks: the vector kernel counts such zeros apart (see its histogram) and must still give
   * the scalar counts.
   */
  @Test
  void histogramOfMostlyZerosEqualsScalar() {
    Random random = new Random(17);
    for (Object[] g : GRIDS) {
      float invWidth = (float) g[0];
      int negBins = (int) g[1];
      int posBins = (int) g[2];
      for (int trial = 0; trial < 40; trial++) {
        int len = random.nextInt(5000);
        double zeroShare = trial % 4 == 0 ? 1 : 0.3 + 0.6 * random.nextDouble();
        float[] a = Values.mixed(random, len + PAD, 0.25f, invWidth);
        for (int i = 0; i < a.length; i++) {
          if (random.nextDouble() < zeroShare) {
            a[i] = random.nextInt(8) == 0 ? -0f : 0f;
          }
        }
        int off = random.nextInt(PAD);
        long[] want = new long[negBins + posBins];
        long[] got = new long[negBins + posBins];
        scalar.histogram(a, off, len, invWidth, negBins, posBins, want);
        vector.histogram(a, off, len, invWidth, negBins, posBins, got);
        assertArrayEquals(want, got, () -> "grid " + Arrays.toString(g) + " len " + len);
        long[] inPlace = new long[negBins + posBins];
        VectorKernels.countingZerosInPlace().histogram(a, off, len, invWidth, negBins, posBins,
            inPlace);
        assertArrayEquals(want, inPlace, () -> "in place, grid " + Arrays.toString(g));
      }
    }
  }

  @Test
  void quantizeToBytesEqualsScalar() {
    for (Object[] p : BYTE_PARAMS) {
      float scale = (float) p[0];
      forEveryLengthAndOffset(scale, 4f, (a, off, len) -> {
        byte[] want = filled(new byte[len + PAD], (byte) 0x5A);
        byte[] got = want.clone();
        scalar.quantize(a, off, len, scale, (int) p[1], (int) p[2], (int) p[3], want, 1);
        vector.quantize(a, off, len, scale, (int) p[1], (int) p[2], (int) p[3], got, 1);
        assertArrayEquals(want, got, () -> "params " + Arrays.toString(p) + " len " + len);
      });
    }
  }

  @Test
  void quantizeToShortsEqualsScalar() {
    for (Object[] p : SHORT_PARAMS) {
      float scale = (float) p[0];
      forEveryLengthAndOffset(scale, 4f, (a, off, len) -> {
        short[] want = new short[len + PAD];
        Arrays.fill(want, (short) 0x5A5A);
        short[] got = want.clone();
        scalar.quantize(a, off, len, scale, (int) p[1], (int) p[2], (int) p[3], want, 2);
        vector.quantize(a, off, len, scale, (int) p[1], (int) p[2], (int) p[3], got, 2);
        assertArrayEquals(want, got, () -> "params " + Arrays.toString(p) + " len " + len);
      });
    }
  }

  @Test
  void dequantizeEqualsScalar() {
    Random random = new Random(7);
    float[] scales = {4.1f / 255, 0.0625f, Float.MIN_VALUE, 3e36f};
    int[] zeroPoints = {0, 128, -5, 255};
    for (int len = 0; len <= MAX_LEN; len++) {
      byte[] q = new byte[len + PAD];
      random.nextBytes(q);
      for (int k = 0; k < scales.length; k++) {
        for (boolean unsigned : new boolean[] {false, true}) {
          float[] want = new float[len + PAD];
          float[] got = new float[len + PAD];
          int off = len % PAD;
          scalar.dequantize(q, off, len, unsigned, scales[k], zeroPoints[k], want, 3);
          vector.dequantize(q, off, len, unsigned, scales[k], zeroPoints[k], got, 3);
          assertArrayEquals(bits(want), bits(got), "len " + len + " scale " + scales[k]);
        }
      }
    }
  }

  @Test
  void fakeQuantizeEqualsScalarAlsoInPlace() {
    for (Object[] p : BYTE_PARAMS) {
      float scale = (float) p[0];
      forEveryLengthAndOffset(scale, 4f, (a, off, len) -> {
        float[] want = new float[len + PAD];
        float[] got = new float[len + PAD];
        scalar.fakeQuantize(a, off, len, scale, (int) p[1], (int) p[2], (int) p[3], want, 4);
        vector.fakeQuantize(a, off, len, scale, (int) p[1], (int) p[2], (int) p[3], got, 4);
        assertArrayEquals(bits(want), bits(got), "params " + Arrays.toString(p) + " len " + len);

        float[] inPlace = a.clone();
        vector.fakeQuantize(inPlace, off, len, scale, (int) p[1], (int) p[2], (int) p[3],
            inPlace, off);
        assertArrayEquals(bits(Arrays.copyOfRange(want, 4, 4 + len)),
            bits(Arrays.copyOfRange(inPlace, off, off + len)), "in place, len " + len);
      });
    }
  }

  @Test
  void errorSumsEqualScalar() {
    Random random = new Random(11);
    forEveryLengthAndOffset(0.02f, 4f, (x, off, len) -> {
      float[] y = new float[x.length];
      for (int i = 0; i < y.length; i++) {
        y[i] = random.nextInt(50) == 0
            ? Values.special(random)
            : x[i] + 0.01f * (float) random.nextGaussian();
      }
      int yOff = (off + 5) % PAD;
      double[] want = {1.5, -2.25, 0, 1e-300};
      double[] got = want.clone();
      scalar.errorSums(x, off, y, yOff, len, want);
      vector.errorSums(x, off, y, yOff, len, got);
      assertSameSums(want, got, " at len " + len + " off " + off);
    });
  }

  @Test
  void longArraysWithRareNonFiniteValuesEqualScalar() {
    // Longer than the vector code's chunks, with NaN and infinities in only a few of them, so
    // that clean and dirty chunks alternate.
    Random random = new Random(5);
    for (int len : new int[] {4096, 10_007, 65_536 + 3}) {
      float[] a = new float[len];
      for (int i = 0; i < len; i++) {
        a[i] = (float) random.nextGaussian() * 5f;
      }
      for (int k = 0; k < 6; k++) {
        a[random.nextInt(len)] = Values.special(random);
      }
      RangeScan want = new RangeScan();
      RangeScan got = new RangeScan();
      scalar.scan(a, 0, len, want);
      vector.scan(a, 0, len, got);
      assertSameScan(want, got, " at len " + len);

      long[] wantCounts = new long[4096];
      long[] gotCounts = new long[4096];
      scalar.histogram(a, 0, len, 2048 / 20f, 2048, 2048, wantCounts);
      vector.histogram(a, 0, len, 2048 / 20f, 2048, 2048, gotCounts);
      assertArrayEquals(wantCounts, gotCounts);

      float[] y = a.clone();
      vector.fakeQuantize(y, 0, len, 0.1f, 3, -128, 127, y, 0);
      y[random.nextInt(len)] = Float.NaN;
      double[] wantSums = new double[4];
      double[] gotSums = new double[4];
      scalar.errorSums(a, 0, y, 0, len, wantSums);
      vector.errorSums(a, 0, y, 0, len, gotSums);
      assertSameSums(wantSums, gotSums, " at len " + len);
    }
  }

  private static void assertSameScan(RangeScan want, RangeScan got, String at) {
    assertEquals(Float.floatToRawIntBits(want.min), Float.floatToRawIntBits(got.min), "min" + at);
    assertEquals(Float.floatToRawIntBits(want.max), Float.floatToRawIntBits(got.max), "max" + at);
    assertEquals(want.nanCount, got.nanCount, "NaN count" + at);
    assertEquals(want.posInfCount, got.posInfCount, "+Inf count" + at);
    assertEquals(want.negInfCount, got.negInfCount, "-Inf count" + at);
    assertEquals(Double.doubleToRawLongBits(want.sum), Double.doubleToRawLongBits(got.sum),
        "sum" + at);
    assertEquals(Double.doubleToRawLongBits(want.sumSquares),
        Double.doubleToRawLongBits(got.sumSquares), "sum of squares" + at);
  }

  private static void assertSameSums(double[] want, double[] got, String at) {
    for (int k = 0; k < want.length; k++) {
      assertEquals(Double.doubleToRawLongBits(want[k]), Double.doubleToRawLongBits(got[k]),
          "error sum " + k + at);
    }
  }

  private interface Case {
    void check(float[] a, int off, int len);
  }

  private static void forEveryLengthAndOffset(float scale, float invWidth, Case c) {
    Random random = new Random(42);
    for (int len = 0; len <= MAX_LEN; len++) {
      float[] a = Values.mixed(random, len + PAD + OFFSETS[OFFSETS.length - 1], scale, invWidth);
      for (int off : OFFSETS) {
        c.check(a, off, len);
      }
    }
  }

  private static byte[] filled(byte[] a, byte value) {
    Arrays.fill(a, value);
    return a;
  }

  private static int[] bits(float[] a) {
    int[] b = new int[a.length];
    for (int i = 0; i < a.length; i++) {
      b[i] = Float.floatToRawIntBits(a[i]);
    }
    return b;
  }

  /** Random test values: a Gaussian bulk salted with every kind of awkward value. */
  static final class Values {
    private Values() {}

    static float[] mixed(Random random, int n, float scale, float invWidth) {
      float[] a = new float[n];
      for (int i = 0; i < n; i++) {
        int kind = random.nextInt(100);
        if (kind < 60) {
          a[i] = (float) random.nextGaussian() * 3f;
        } else if (kind < 70) {
          a[i] = special(random);
        } else if (kind < 80) {
          // x / scale == k + 0.5 exactly when scale is a power of two
          a[i] = (random.nextInt(600) - 300 + 0.5f) * scale;
        } else if (kind < 90) {
          // exact bin edges k * w when invWidth is a power of two
          a[i] = (random.nextInt(4200) - 2100) / invWidth;
        } else {
          a[i] = (float) random.nextGaussian() * 200f;
        }
      }
      return a;
    }

    static float special(Random random) {
      switch (random.nextInt(10)) {
        case 0: return Float.NaN;
        case 1: return Float.intBitsToFloat(0xFFC00001 + random.nextInt(1000)); // NaN payloads
        case 2: return Float.POSITIVE_INFINITY;
        case 3: return Float.NEGATIVE_INFINITY;
        case 4: return 0f;
        case 5: return -0f;
        case 6: return Float.MIN_VALUE * (random.nextInt(1 << 20) - (1 << 19)); // subnormals
        case 7: return random.nextBoolean() ? Float.MAX_VALUE : -Float.MAX_VALUE;
        case 8: return (random.nextFloat() - 0.5f) * 1e38f;
        default: return Float.MIN_NORMAL * random.nextFloat();
      }
    }
  }
}
