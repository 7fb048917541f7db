package org.qcal.calib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.qcal.QcalException;
import org.qcal.quant.QuantRule;
import org.qcal.stats.TensorStats;

class MinMaxCalibratorTest {
  private static final Calibrator ASYM = CalibrationMethod.MINMAX.create();
  private static final Calibrator SYM =
      CalibrationMethod.MINMAX.create(CalibrationOptions.defaults().withRule(QuantRule.SYMMETRIC));

  @Test
  void asymmetricRangeIsTheFiniteMinAndMax() {
    TensorStats s = new TensorStats().update(new float[] {-2f, 1f, 3f, Float.NaN,
        Float.POSITIVE_INFINITY});
    assertEquals(Range.of(-2f, 3f), ASYM.calibrate(s, null));
  }

  @Test
  void symmetricRangeIsPlusMinusAbsmax() {
    TensorStats s = new TensorStats().update(new float[] {-5f, 1f, 3f});
    assertEquals(Range.of(-5f, 5f), SYM.calibrate(s, null));
  }

  @Test
  void tensorWithoutFiniteValuesGetsZeroRange() {
    TensorStats s = new TensorStats().update(new float[] {Float.NaN});
    assertEquals(Range.ZERO, ASYM.calibrate(s, null));
    assertEquals(Range.ZERO, SYM.calibrate(new TensorStats(), null));
  }

  @Test
  void rejectsNullStats() {
    QcalException e = assertThrows(QcalException.class, () -> ASYM.calibrate(null, null));
    assertEquals("stats must not be null", e.getMessage());
  }
}
