package org.qcal.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;
import org.qcal.QcalException;
import org.qcal.kernels.Kernels;

class QuantParamsTest {
  private static final QuantRule ASYM = QuantRule.ASYMMETRIC;
  private static final QuantRule ASYM_RR = QuantRule.of(false, true);
  private static final QuantRule SYM = QuantRule.SYMMETRIC;
  private static final QuantRule SYM_RR = QuantRule.of(true, true);

  /** Expected scale given as the hand formula in double; stored as float32 per docs/DESIGN.md. */
  private static void assertParams(QuantType type, QuantRule rule, double rmin, double rmax,
      double scale, int zp) {
    QuantParams p = QuantParams.fromRange(rmin, rmax, type, rule);
    String what = type + " " + rule + " [" + rmin + ", " + rmax + "]";
    assertEquals((float) scale, p.scale(), what + " scale");
    assertEquals(zp, p.zeroPoint(), what + " zero point");
    assertEquals(type, p.type());
    assertFalse(p.isPerChannel());
  }

  /** Reference ONNX QuantizeLinear: rint(x / scale) + zp in float, saturated to [qmin, qmax]. */
  private static int[] quantize(float[] x, float scale, int zp, int qmin, int qmax) {
    int[] q = new int[x.length];
    for (int i = 0; i < x.length; i++) {
      q[i] = (int) Math.max(qmin, Math.min(qmax, Math.rint(x[i] / scale) + zp));
    }
    return q;
  }

  // The seed document's example.

  @Test
  void seedExampleGivesScaleOfMaxOver255AndZeroPointZero() {
    float[] x = {1.2f, 2.5f, 3.7f, 4.1f};
    // The range [1.2, 4.1] widens to [0, 4.1]: scale = 4.1 / 255, zp = rint(0 - 0 / scale) = 0.
    QuantParams p = QuantParams.fromRange(1.2f, 4.1f, QuantType.UINT8, ASYM);
    assertEquals((float) (4.1f / 255.0), p.scale());
    assertEquals(0, p.zeroPoint());
    // x / scale = 74.63, 155.49, 230.12, 255.00 -> rint -> 75, 155, 230, 255.
    assertArrayEquals(new int[] {75, 155, 230, 255}, quantize(x, p.scale(), 0, 0, 255));
    byte[] q = new byte[4];
    Kernels.get().quantize(x, 0, 4, p.scale(), 0, 0, 255, q, 0);
    assertArrayEquals(new int[] {75, 155, 230, 255},
        new int[] {q[0] & 0xFF, q[1] & 0xFF, q[2] & 0xFF, q[3] & 0xFF});
  }

  @Test
  void seedDocumentFormulaWithPositiveZeroPointSaturatesThreeOfFourValues() {
    float[] x = {1.2f, 2.5f, 3.7f, 4.1f};
    // The document: S = (4.1 - 1.2) / 255 = 0.011373, Z = round(xmin / S) = round(105.52) = 106,
    // q = round(x / S) + Z. x / S = 105.52, 219.83, 325.34, 360.52 -> 106, 220, 325, 361;
    // + 106 = 212, 326, 431, 467 -> saturated to 255 for all but the first.
    float s = (4.1f - 1.2f) / 255f;
    int z = (int) Math.rint(1.2f / s);
    assertEquals(106, z);
    int[] q = quantize(x, s, z, 0, 255);
    assertArrayEquals(new int[] {212, 255, 255, 255}, q);
    // Dequantized, the saturated values all read back as (255 - 106) * S = 1.69, not 2.5..4.1.
    assertEquals(1.6945, (q[3] - z) * s, 1e-4);
  }

  // Every type x symmetric/asymmetric x reduce_range, on the range [-1, 2].

  @Test
  void asymmetricParamsOfEveryTypeOnMinusOneToTwo() {
    // scale = (2 - (-1)) / (qmax - qmin) = 3 / (qmax - qmin); zp = rint(qmin + 1 / scale).
    assertParams(QuantType.INT8, ASYM, -1, 2, 3.0 / 255, -43); // -128 + 85
    assertParams(QuantType.UINT8, ASYM, -1, 2, 3.0 / 255, 85); // 0 + 85
    assertParams(QuantType.INT16, ASYM, -1, 2, 3.0 / 65535, -10923); // -32768 + 21845
    assertParams(QuantType.UINT16, ASYM, -1, 2, 3.0 / 65535, 21845);
    assertParams(QuantType.INT4, ASYM, -1, 2, 3.0 / 15, -3); // -8 + 5
    assertParams(QuantType.UINT4, ASYM, -1, 2, 3.0 / 15, 5);
  }

  @Test
  void asymmetricReducedRangeParamsOfEveryTypeOnMinusOneToTwo() {
    assertParams(QuantType.INT8, ASYM_RR, -1, 2, 3.0 / 128, -21); // rint(-64 + 42.67)
    assertParams(QuantType.UINT8, ASYM_RR, -1, 2, 3.0 / 127, 42); // rint(42.33)
    assertParams(QuantType.INT16, ASYM_RR, -1, 2, 3.0 / 32768, -5461); // rint(-16384 + 10922.67)
    assertParams(QuantType.UINT16, ASYM_RR, -1, 2, 3.0 / 32767, 10922); // rint(10922.33)
    assertParams(QuantType.INT4, ASYM_RR, -1, 2, 3.0 / 8, -1); // rint(-4 + 2.67)
    assertParams(QuantType.UINT4, ASYM_RR, -1, 2, 3.0 / 7, 2); // rint(2.33)
  }

  @Test
  void symmetricParamsOfEveryTypeOnMinusOneToTwo() {
    // amax = 2, scale = 2 / ((qmax - qmin) / 2), zp = rint((qmin + qmax) / 2).
    assertParams(QuantType.INT8, SYM, -1, 2, 2.0 / 127, 0);
    assertParams(QuantType.UINT8, SYM, -1, 2, 2.0 / 127.5, 128); // rint(127.5) = 128 (even)
    assertParams(QuantType.INT16, SYM, -1, 2, 2.0 / 32767, 0);
    assertParams(QuantType.UINT16, SYM, -1, 2, 2.0 / 32767.5, 32768); // rint(32767.5)
    assertParams(QuantType.INT4, SYM, -1, 2, 2.0 / 7, 0);
    assertParams(QuantType.UINT4, SYM, -1, 2, 2.0 / 7.5, 8); // rint(7.5) = 8 (even)
  }

  @Test
  void symmetricReducedRangeParamsOfEveryTypeOnMinusOneToTwo() {
    assertParams(QuantType.INT8, SYM_RR, -1, 2, 2.0 / 64, 0);
    assertParams(QuantType.UINT8, SYM_RR, -1, 2, 2.0 / 63.5, 64); // rint(63.5) = 64 (even)
    assertParams(QuantType.INT16, SYM_RR, -1, 2, 2.0 / 16384, 0);
    assertParams(QuantType.UINT16, SYM_RR, -1, 2, 2.0 / 16383.5, 16384); // rint(16383.5)
    assertParams(QuantType.INT4, SYM_RR, -1, 2, 2.0 / 4, 0);
    assertParams(QuantType.UINT4, SYM_RR, -1, 2, 2.0 / 3.5, 4); // rint(3.5) = 4 (even)
  }

  // Degenerate ranges.

  @Test
  void allZeroRangeGivesScaleOneZeroPointZeroForEveryTypeAndRule() {
    for (QuantType t : QuantType.values()) {
      for (QuantRule r : new QuantRule[] {ASYM, ASYM_RR, SYM, SYM_RR}) {
        assertParams(t, r, 0, 0, 1, 0);
      }
    }
  }

  @Test
  void rangeBelowFloatPrecisionGivesScaleOneZeroPointZero() {
    // 1e-45 / 255 rounds to float 0; 1e-36 / 255 = 3.9e-39 is subnormal (< 2^-126 = 1.18e-38).
    assertParams(QuantType.UINT8, ASYM, 0, 1e-45, 1, 0);
    assertParams(QuantType.UINT8, ASYM, 0, Float.MIN_VALUE, 1, 0);
    assertParams(QuantType.INT8, SYM, -1e-36, 1e-36, 1, 0);
    assertParams(QuantType.UINT8, SYM, -1e-36, 0, 1, 0);
    // 1e-35 / 255 = 3.9e-38 is a normal float: a real scale.
    assertParams(QuantType.UINT8, ASYM, 0, 1e-35, 1e-35 / 255, 0);
  }

  @Test
  void singleValueRangeIsWidenedToZero() {
    // [2.5, 2.5] -> [0, 2.5].
    assertParams(QuantType.UINT8, ASYM, 2.5, 2.5, 2.5 / 255, 0);
    assertParams(QuantType.INT8, ASYM, 2.5, 2.5, 2.5 / 255, -128); // rint(-128 - 0)
    assertParams(QuantType.INT8, SYM, 2.5, 2.5, 2.5 / 127, 0);
    // [-2.5, -2.5] -> [-2.5, 0]: zp = rint(0 + 2.5 / (2.5 / 255)) = 255.
    assertParams(QuantType.UINT8, ASYM, -2.5, -2.5, 2.5 / 255, 255);
  }

  @Test
  void negativeOnlyRangePutsZeroPointAtTheTop() {
    // [-4, -1] -> [-4, 0]: scale 4 / 255; zp = rint(qmin + 255).
    assertParams(QuantType.UINT8, ASYM, -4, -1, 4.0 / 255, 255);
    assertParams(QuantType.INT8, ASYM, -4, -1, 4.0 / 255, 127);
    assertParams(QuantType.INT8, SYM, -4, -1, 4.0 / 127, 0);
    assertParams(QuantType.UINT8, SYM, -4, -1, 4.0 / 127.5, 128);
  }

  @Test
  void positiveOnlyRangePutsZeroPointAtTheBottom() {
    // [1, 4] -> [0, 4]: scale 4 / 255; zp = rint(qmin - 0).
    assertParams(QuantType.UINT8, ASYM, 1, 4, 4.0 / 255, 0);
    assertParams(QuantType.INT8, ASYM, 1, 4, 4.0 / 255, -128);
    assertParams(QuantType.UINT8, ASYM_RR, 1, 4, 4.0 / 127, 0);
    assertParams(QuantType.INT8, SYM, 1, 4, 4.0 / 127, 0);
  }

  @Test
  void zeroPointRoundsHalfToEven() {
    // int8 reduce_range maps a range of width 1 to 128 steps: scale = 1/128 exactly. With rmin =
    // -20.5/128 (exact), zp = rint(-64 + 20.5) = rint(-43.5) = -44, the even neighbour.
    assertParams(QuantType.INT8, ASYM_RR, -20.5 / 128, 107.5 / 128, 1.0 / 128, -44);
    // rmin = -21.5/128: rint(-42.5) = -42.
    assertParams(QuantType.INT8, ASYM_RR, -21.5 / 128, 106.5 / 128, 1.0 / 128, -42);
    // uint8 [-0.5, 0.5]: 0.5 / (1/255) evaluates to exactly 127.5 in double; rint -> 128.
    assertParams(QuantType.UINT8, ASYM, -0.5, 0.5, 1.0 / 255, 128);
  }

  // Per channel and bias.

  @Test
  void perChannelParamsComputeEachChannelAlone() {
    QuantParams p = QuantParams.fromRanges(new float[] {-1f, 0f, -0.5f},
        new float[] {2f, 0f, 0.25f}, 0, QuantType.INT8, SYM);
    assertTrue(p.isPerChannel());
    assertEquals(0, p.axis());
    assertEquals(3, p.channels());
    // amax 2, 0 (degenerate), 0.5.
    assertArrayEquals(new float[] {(float) (2.0 / 127), 1f, (float) (0.5 / 127)}, p.scales());
    assertArrayEquals(new int[] {0, 0, 0}, p.zeroPoints());
    assertThrows(QcalException.class, p::scale);
  }

  @Test
  void biasScaleIsInputScaleTimesWeightScaleWithZeroPointZero() {
    QuantParams w = QuantParams.fromRanges(new float[] {-1f, -4f}, new float[] {1f, 2f}, 0,
        QuantType.INT8, SYM);
    float sIn = 0.5f;
    QuantParams b = QuantParams.forBias(sIn, w);
    assertEquals(QuantType.INT32, b.type());
    assertEquals(0, b.axis());
    // s_input * s_weight[c] in double, rounded once: 0.5 * (1/127) and 0.5 * (4/127).
    assertArrayEquals(new float[] {(float) (0.5 * (float) (1.0 / 127)),
        (float) (0.5 * (float) (4.0 / 127))}, b.scales());
    assertArrayEquals(new int[] {0, 0}, b.zeroPoints());
    QuantParams perTensor = QuantParams.forBias(0.25f, QuantParams.of(0.5f, 0, QuantType.INT8));
    assertFalse(perTensor.isPerChannel());
    assertEquals(0.125f, perTensor.scale());
  }

  // Bad arguments.

  @Test
  void rejectsScaleZeroOrNegativeWithTheValue() {
    QcalException e = assertThrows(QcalException.class,
        () -> QuantParams.of(0f, 0, QuantType.UINT8));
    assertEquals("scale[0] must be finite and > 0, got 0.0", e.getMessage());
    e = assertThrows(QcalException.class, () -> QuantParams.of(-0.5f, 0, QuantType.UINT8));
    assertTrue(e.getMessage().endsWith("got -0.5"), e.getMessage());
    assertThrows(QcalException.class, () -> QuantParams.of(Float.NaN, 0, QuantType.UINT8));
  }

  @Test
  void rejectsZeroPointOutsideTheType() {
    QcalException e = assertThrows(QcalException.class,
        () -> QuantParams.of(1f, 256, QuantType.UINT8));
    assertTrue(e.getMessage().endsWith("got 256"), e.getMessage());
  }

  @Test
  void rejectsReversedOrNonFiniteRange() {
    QcalException e = assertThrows(QcalException.class,
        () -> QuantParams.fromRange(2, 1, QuantType.UINT8, ASYM));
    assertEquals("range must be min <= max, got [2.0, 1.0]", e.getMessage());
    e = assertThrows(QcalException.class,
        () -> QuantParams.fromRange(Double.NaN, 1, QuantType.UINT8, ASYM));
    assertEquals("range min must be finite, got NaN", e.getMessage());
    assertThrows(QcalException.class,
        () -> QuantParams.fromRange(0, Double.POSITIVE_INFINITY, QuantType.UINT8, ASYM));
  }

  @Test
  void rejectsRangeWhoseScaleOverflowsFloat() {
    assertThrows(QcalException.class,
        () -> QuantParams.fromRange(0, 1e300, QuantType.UINT8, ASYM));
  }

  @Test
  void rejectsNullTypeAndMismatchedChannelArrays() {
    assertThrows(QcalException.class, () -> QuantParams.fromRange(0, 1, null, ASYM));
    QcalException e = assertThrows(QcalException.class, () -> QuantParams.fromRanges(
        new float[2], new float[3], 0, QuantType.INT8, SYM));
    assertEquals("rmins and rmaxs must be non-empty and of equal length, got 2 and 3",
        e.getMessage());
  }

  @Test
  void javaSerializationRoundTripsEqualParams() throws Exception {
    QuantParams p = QuantParams.fromRanges(new float[] {-1f, -3f}, new float[] {2f, 1f}, 1,
        QuantType.INT8, SYM);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(p);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      QuantParams back = (QuantParams) in.readObject();
      assertEquals(p, back);
      assertEquals(p.hashCode(), back.hashCode());
    }
  }
}
