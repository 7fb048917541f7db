package org.qcal.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.qcal.QcalException;
import org.qcal.quant.QuantType;

class WeightQuantizerTest {

  @Test
  void perChannelAlongTheLastAxisUsesEachColumnsRange() {
    // [K=2, N=3]; column c is channel c: absmax 2, 0.5, 1.27 -> scales 2/127, 0.5/127, 0.01.
    float[] w = {2f, 0.5f, -1.27f, -1f, 0.25f, 0.635f};
    WeightQuantizer.Quantized q = WeightQuantizer.quantize("w", w, List.of(2L, 3L), 1,
        WeightQuantization.DEFAULT);

    assertEquals(1, q.params().axis());
    assertArrayEquals(new float[] {2f / 127, 0.5f / 127, 1.27f / 127}, q.params().scales(),
        1e-9f);
    assertArrayEquals(new int[] {0, 0, 0}, q.params().zeroPoints());
    // 1 / (2/127) = 63.5 in exact arithmetic; float division decides the tie, so check range.
    assertEquals(127, q.values()[0]);
    assertEquals(127, q.values()[1]);
    assertEquals(-127, q.values()[2]);
    assertTrue(Math.abs(q.values()[3] + 63.5) <= 0.5, "w[1][0] ~ -63.5: " + q.values()[3]);
    assertTrue(Math.abs(q.values()[4] - 63.5) <= 0.5, "w[1][1] ~ 63.5: " + q.values()[4]);
    assertEquals(64, Math.round(0.635f / (1.27f / 127)));
  }

  @Test
  void perChannelAlongAxisZeroOfAConvWeight() {
    // [M=2, C=1, 2, 2]: channel 0 holds 4 values, channel 1 the next 4.
    float[] w = {0.1f, -0.2f, 0.3f, -0.4f, 4f, 2f, -1f, 0f};
    WeightQuantizer.Quantized q = WeightQuantizer.quantize("conv.w", w,
        List.of(2L, 1L, 2L, 2L), 0, WeightQuantization.DEFAULT);

    assertArrayEquals(new float[] {0.4f / 127, 4f / 127}, q.params().scales(), 1e-9f);
    assertArrayEquals(new byte[] {32, -64, 95, -127, 127, 64, -32, 0}, q.values());
  }

  @Test
  void perTensorUsesTheWholeRange() {
    float[] w = {0.1f, -0.2f, 0.3f, -0.4f, 4f, 2f, -1f, 0f};
    WeightQuantizer.Quantized q = WeightQuantizer.quantize("w", w, List.of(2L, 4L), -1,
        WeightQuantization.DEFAULT);

    assertTrue(!q.params().isPerChannel());
    assertEquals(4f / 127, q.params().scale(), 1e-9f);
    assertArrayEquals(new byte[] {3, -6, 10, -13, 127, 64, -32, 0}, q.values());
  }

  @Test
  void anAllZeroChannelGetsScaleOne() {
    float[] w = {0f, 0f, 1f, -1f};
    WeightQuantizer.Quantized q = WeightQuantizer.quantize("w", w, List.of(2L, 2L), 0,
        WeightQuantization.DEFAULT);
    assertEquals(1f, q.params().scale(0));
    assertArrayEquals(new byte[] {0, 0, 127, -127}, q.values());
  }

  @Test
  void reduceRangeUsesSevenBits() {
    WeightQuantization reduced = new WeightQuantization(QuantType.INT8, true, true, true);
    WeightQuantizer.Quantized q = WeightQuantizer.quantize("w", new float[] {1f, -0.5f},
        List.of(2L), -1, reduced);
    assertEquals(1f / 64, q.params().scale(), 1e-9f);
    assertArrayEquals(new byte[] {64, -32}, q.values());
  }

  @Test
  void refusesNonFiniteWeights() {
    QcalException e = assertThrows(QcalException.class, () -> WeightQuantizer.quantize("bad.w",
        new float[] {1f, Float.NaN}, List.of(2L), -1, WeightQuantization.DEFAULT));
    assertEquals("weight 'bad.w' holds 1 NaN or infinite values: it cannot be quantized",
        e.getMessage());
  }

  @Test
  void settingsRefuseWideWeightTypes() {
    QcalException e = assertThrows(QcalException.class,
        () -> new WeightQuantization(QuantType.INT16, true, true, false));
    assertEquals("weight type must be one of [int8, uint8, int4, uint4], got int16", e.getMessage());
  }
}
