package org.qcal.calib;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.qcal.quant.QuantRule;
import org.qcal.quant.QuantType;
import org.qcal.stats.Histogram;
import org.qcal.stats.HistogramGrid;
import org.qcal.stats.TensorStats;

/** Exact zeros (a Relu output's spike) must not drag the entropy threshold down. */
class EntropyCalibratorZeroSpikeTest {
  private static Range entropy(float[] values) {
    TensorStats stats = new TensorStats();
    for (int i = 0; i < values.length; i += 100) {
      stats.update(values, i, Math.min(100, values.length - i));
    }
    Histogram h = new Histogram(HistogramGrid.of(stats, 2048));
    h.update(values, 0, values.length);
    return new EntropyCalibrator(CalibrationOptions.defaults()
        .withType(QuantType.parse("uint8")).withRule(QuantRule.ASYMMETRIC)).calibrate(stats, h);
  }

  /**
   * A ReLU output: 100 000 values |N(0, 1)| (seed 1), and the same values with 100 000 exact
   * zeros interleaved. Zeros quantize exactly (uint8, zp 0), so they should not change how the
   * positive values are clipped. Without the bin[0] replacement: 3.898 without the zeros, 1.840
   * with them (clipping 6.6% of the positive values instead of 0.01%).
   */
  @Test
  void zeroSpikeOfReluOutputDoesNotShrinkTheEntropyRange() {
    Random random = new Random(1);
    float[] positive = new float[100_000];
    float[] relu = new float[200_000];
    for (int i = 0; i < positive.length; i++) {
      positive[i] = (float) Math.abs(random.nextGaussian());
      relu[2 * i + 1] = positive[i]; // relu[2 * i] stays 0
    }
    float without = entropy(positive).max();
    float with = entropy(relu).max();
    assertTrue(with >= 0.9f * without, "entropy threshold " + with + " with the zero spike vs "
        + without + " without it");
  }
}
