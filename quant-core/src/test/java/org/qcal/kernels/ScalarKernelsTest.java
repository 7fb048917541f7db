package org.qcal.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The reference kernels against results worked out by hand. */
class ScalarKernelsTest {
  private final TensorKernels kernels = new ScalarKernels();

  @Test
  void quantizesTheDesignExampleToUint8() {
    float[] a = {1.2f, 2.5f, 3.7f, 4.1f};
    byte[] q = new byte[4];
    kernels.quantize(a, 0, 4, 4.1f / 255, 0, 0, 255, q, 0);
    // 1.2 / (4.1 / 255) = 74.63, 155.49, 230.12, 255.0
    assertArrayEquals(new int[] {75, 155, 230, 255}, unsigned(q));
  }

  @Test
  void roundsHalfToEven() {
    float[] a = {0.5f, 1.5f, 2.5f, 3.5f, -0.5f, -1.5f, -2.5f, 2.4999998f};
    byte[] q = new byte[a.length];
    kernels.quantize(a, 0, a.length, 1f, 0, -128, 127, q, 0);
    assertArrayEquals(new byte[] {0, 2, 2, 4, 0, -2, -2, 2}, q);
  }

  @Test
  void saturatesToTheRange() {
    float[] a = {100f, -100f, 1e30f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 63.4f};
    byte[] q = new byte[a.length];
    kernels.quantize(a, 0, a.length, 0.5f, 0, -127, 127, q, 0);
    assertArrayEquals(new byte[] {127, -127, 127, 127, -127, 127}, q);

    byte[] u = new byte[2];
    kernels.quantize(new float[] {-1000f, 1000f}, 0, 2, 1f, 128, 0, 255, u, 0);
    assertArrayEquals(new int[] {0, 255}, unsigned(u));
  }

  @Test
  void nanQuantizesToTheZeroPointAndFakeQuantizesToZero() {
    byte[] q = new byte[1];
    kernels.quantize(new float[] {Float.NaN}, 0, 1, 0.1f, 37, 0, 255, q, 0);
    assertEquals(37, q[0] & 0xFF);
    float[] f = {Float.NaN};
    kernels.fakeQuantize(f, 0, 1, 0.1f, 37, 0, 255, f, 0);
    assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(f[0]));
  }

  @Test
  void quantizesInto16Bits() {
    short[] q = new short[4];
    kernels.quantize(new float[] {1.25f, 40000f, -40000f, -0.75f}, 0, 4, 0.5f, 0, -32768, 32767,
        q, 0);
    // 2.5 -> 2 (even), saturation both ways, -1.5 -> -2
    assertArrayEquals(new short[] {2, 32767, -32768, -2}, q);

    short[] u = new short[2];
    kernels.quantize(new float[] {0f, 1e9f}, 0, 2, 1f, 32768, 0, 65535, u, 0);
    assertArrayEquals(new int[] {32768, 65535}, new int[] {u[0] & 0xFFFF, u[1] & 0xFFFF});
  }

  @Test
  void dequantizesSignedAndUnsignedBytes() {
    byte[] q = {(byte) 0xFF, 0, 127, (byte) 0x80};
    float[] out = new float[4];
    kernels.dequantize(q, 0, 4, true, 0.5f, 128, out, 0);
    assertArrayEquals(new float[] {63.5f, -64f, -0.5f, 0f}, out);
    kernels.dequantize(q, 0, 4, false, 0.25f, 0, out, 0);
    assertArrayEquals(new float[] {-0.25f, 0f, 31.75f, -32f}, out);
  }

  @Test
  void fakeQuantizeIsQuantizeThenDequantizeInPlace() {
    float s = 4.1f / 255;
    float[] a = {1.2f, 2.5f, 3.7f, 4.1f, -1f};
    kernels.fakeQuantize(a, 0, a.length, s, 0, 0, 255, a, 0);
    assertArrayEquals(new float[] {75 * s, 155 * s, 230 * s, 255 * s, 0f}, a);
  }

  @Test
  void scanCountsNonFiniteValuesAndSumsTheRest() {
    float[] a = {3f, -1f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f,
        2.5f, 4f, 1f};
    RangeScan s = new RangeScan();
    kernels.scan(a, 0, a.length, s);
    assertEquals(-1f, s.min);
    assertEquals(4f, s.max);
    assertEquals(1, s.nanCount);
    assertEquals(1, s.posInfCount);
    assertEquals(1, s.negInfCount);
    assertEquals(7, s.finiteCount(a.length));
    assertEquals(9.5, s.sum);
    assertEquals(9 + 1 + 6.25 + 16 + 1, s.sumSquares);
  }

  @Test
  void scanOrdersNegativeZeroBelowZero() {
    RangeScan s = new RangeScan();
    kernels.scan(new float[] {0f, -0f}, 0, 2, s);
    assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(s.min));
    assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(s.max));
  }

  @Test
  void scanWithoutFiniteValuesHasEmptyRange() {
    RangeScan s = new RangeScan();
    kernels.scan(new float[] {Float.NaN, Float.NaN, Float.POSITIVE_INFINITY}, 0, 3, s);
    assertEquals(Float.POSITIVE_INFINITY, s.min);
    assertEquals(Float.NEGATIVE_INFINITY, s.max);
    assertEquals(0, s.finiteCount(3));
    assertEquals(0.0, s.sum);
  }

  @Test
  void sumFollowsTheLaneLayoutNotTheIndexOrder() {
    // 2^54 has a spacing of 4 between doubles. In index order 2^54 + 1 + 2 loses both small
    // values (each is at most half a spacing); in the lane layout lane 1 holds 1 + 2 = 3 first,
    // and 2^54 + 3 rounds up to 2^54 + 4.
    float[] a = new float[16];
    a[0] = 0x1p54f;
    a[1] = 1f;
    a[9] = 2f;
    RangeScan s = new RangeScan();
    kernels.scan(a, 0, a.length, s);
    assertEquals(0x1p54 + 4, s.sum);
  }

  @Test
  void tailIsAddedAfterTheLanesAreCombined() {
    // The same values as above but only ten of them: a[9] is in the tail. The lanes combine to
    // 2^54 + 1 = 2^54, then the tail adds 2, a tie that rounds to even: 2^54. Had the tail gone
    // to lane 1 (1 + 2 = 3), the sum would be 2^54 + 4.
    float[] a = new float[10];
    a[0] = 0x1p54f;
    a[1] = 1f;
    a[9] = 2f;
    RangeScan s = new RangeScan();
    kernels.scan(a, 0, a.length, s);
    assertEquals(0x1p54, s.sum);
  }

  @Test
  void histogramPutsEdgesInTheBinTheyStart() {
    // w = 0.25, four bins a side: bins 0..3 are (-1, -0.75] .. (-0.25, 0], 4..7 are [0, 0.25) ..
    float[] a = {0f, -0f, 0.25f, -0.25f, 0.2f, -0.2f, 0.999f, 1f, 100f, -100f, Float.NaN,
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
    long[] counts = new long[8];
    kernels.histogram(a, 0, a.length, 4f, 4, 4, counts);
    // bin:                 0  1  2  3  4  5  6  7
    assertArrayEquals(new long[] {1, 0, 1, 1, 3, 1, 0, 3}, counts);
  }

  @Test
  void histogramFoldsSymmetrically() {
    float[] a = {0.1f, 0.3f, 0.55f, 0.75f, 2f, 0.5f};
    long[] pos = new long[16];
    long[] neg = new long[16];
    float[] negated = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      negated[i] = -a[i];
    }
    kernels.histogram(a, 0, a.length, 4f, 8, 8, pos);
    kernels.histogram(negated, 0, a.length, 4f, 8, 8, neg);
    for (int k = 0; k < 8; k++) {
      assertEquals(pos[8 + k], neg[7 - k], "bin " + k + " from zero");
    }
  }

  @Test
  void emptySideSendsValuesToTheNearestBin() {
    long[] onlyPositive = new long[4];
    kernels.histogram(new float[] {-0.5f, -7f}, 0, 2, 1f, 0, 4, onlyPositive);
    assertArrayEquals(new long[] {2, 0, 0, 0}, onlyPositive);
    long[] onlyNegative = new long[3];
    kernels.histogram(new float[] {0.5f, 0f}, 0, 2, 1f, 3, 0, onlyNegative);
    assertArrayEquals(new long[] {0, 0, 2}, onlyNegative);
  }

  @Test
  void errorSumsAddToTheirOutputAndSkipNonFinitePairs() {
    double[] out = {10, 0, 0, 0};
    float[] x = {1f, 2f, 3f, Float.NaN, 1f};
    float[] y = {1f, 1f, 5f, 2f, Float.POSITIVE_INFINITY};
    kernels.errorSums(x, 0, y, 0, x.length, out);
    // x^2: 1 + 4 + 9, y^2: 1 + 1 + 25, xy: 1 + 2 + 15, (x - y)^2: 0 + 1 + 4
    assertArrayEquals(new double[] {24, 27, 18, 5}, out);
  }

  @Test
  void workOnSlices() {
    float[] a = {9f, 1.5f, 2.5f, 9f};
    byte[] q = {7, 7, 7, 7};
    kernels.quantize(a, 1, 2, 1f, 0, -128, 127, q, 2);
    assertArrayEquals(new byte[] {7, 7, 2, 2}, q);
    RangeScan s = new RangeScan();
    kernels.scan(a, 1, 2, s);
    assertEquals(1.5f, s.min);
    assertEquals(2.5f, s.max);
  }

  private static int[] unsigned(byte[] q) {
    int[] u = new int[q.length];
    for (int i = 0; i < q.length; i++) {
      u[i] = q[i] & 0xFF;
    }
    return u;
  }
}
