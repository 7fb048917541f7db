package org.qcal.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.qcal.QcalException;
import org.qcal.quant.QuantParams;
import org.qcal.quant.QuantType;

class BiasQuantizerTest {
  private static final QuantParams WEIGHT = QuantParams.perChannel(new float[] {0.01f, 0.5f},
      new int[] {0, 0}, 0, QuantType.INT8);

  @Test
  void perChannelScaleIsInputTimesWeightScale() {
    BiasQuantizer.Quantized q = BiasQuantizer.quantize("b", new float[] {0.1f, -0.75f}, 0.1f,
        WEIGHT);

    assertEquals(QuantType.INT32, q.params().type());
    assertEquals(0, q.params().axis());
    assertArrayEquals(new float[] {0.001f, 0.05f}, q.params().scales(), 1e-9f);
    assertArrayEquals(new int[] {0, 0}, q.params().zeroPoints());
    assertArrayEquals(new int[] {100, -15}, q.values());
  }

  @Test
  void perTensorWeightGivesOneScaleForAllValues() {
    QuantParams w = QuantParams.of(0.02f, 0, QuantType.INT8);
    BiasQuantizer.Quantized q = BiasQuantizer.quantize("b", new float[] {1f, -1f, 0.5f}, 0.5f,
        w);
    assertArrayEquals(new int[] {100, -100, 50}, q.values());
  }

  @Test
  void saturatesToInt32() {
    QuantParams w = QuantParams.of(1e-6f, 0, QuantType.INT8);
    BiasQuantizer.Quantized q = BiasQuantizer.quantize("b", new float[] {1e9f, -1e9f}, 1e-3f, w);
    assertArrayEquals(new int[] {Integer.MAX_VALUE, Integer.MIN_VALUE}, q.values());
  }

  @Test
  void refusesABiasWhoseLengthIsNotTheChannelCount() {
    assertThrows(QcalException.class,
        () -> BiasQuantizer.quantize("b", new float[] {1f, 2f, 3f}, 0.1f, WEIGHT));
  }
}
