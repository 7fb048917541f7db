package org.qcal.calib;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.qcal.quant.QuantRule;
import org.qcal.stats.TensorStats;

class AverageMinMaxCalibratorTest {
  private static final Calibrator ASYM = CalibrationMethod.AVERAGE_MINMAX.create();
  private static final Calibrator SYM = CalibrationMethod.AVERAGE_MINMAX.create(
      CalibrationOptions.defaults().withRule(QuantRule.SYMMETRIC));

  @Test
  void rangeIsTheMeanOfSampleMinimaAndMaxima() {
    // Samples [-1, 2], [-3, 4], [NaN]: minima (-1 - 3) / 2 = -2, maxima (2 + 4) / 2 = 3; the
    // NaN-only sample has no extremes and is left out.
    TensorStats s = new TensorStats().update(new float[] {-1f, 0.5f, 2f})
        .update(new float[] {4f, -3f}).update(new float[] {Float.NaN});
    assertEquals(Range.of(-2f, 3f), ASYM.calibrate(s, null));
  }

  @Test
  void symmetricRangeUsesTheLargerMeanMagnitude() {
    TensorStats s = new TensorStats().update(new float[] {-1f, 2f}).update(new float[] {-3f, 4f});
    assertEquals(Range.of(-3f, 3f), SYM.calibrate(s, null));
  }

  @Test
  void doesNotDependOnSampleOrder() {
    TensorStats a = new TensorStats().update(new float[] {0.1f, 0.7f})
        .update(new float[] {-0.3f, 0.2f}).update(new float[] {0.9f, 1.3f});
    TensorStats b = new TensorStats().update(new float[] {0.9f, 1.3f})
        .update(new float[] {0.1f, 0.7f}).update(new float[] {-0.3f, 0.2f});
    assertEquals(ASYM.calibrate(a, null), ASYM.calibrate(b, null));
  }

  @Test
  void tensorWithoutFiniteValuesGetsZeroRange() {
    assertEquals(Range.ZERO, ASYM.calibrate(new TensorStats().update(new float[] {Float.NaN}),
        null));
  }
}
