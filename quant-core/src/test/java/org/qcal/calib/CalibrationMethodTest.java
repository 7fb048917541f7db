package org.qcal.calib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.qcal.QcalException;

class CalibrationMethodTest {

  @Test
  void parsesTheCliNames() {
    assertEquals(CalibrationMethod.MINMAX, CalibrationMethod.parse("minmax"));
    assertEquals(CalibrationMethod.AVERAGE_MINMAX, CalibrationMethod.parse("averageminmax"));
    assertEquals(CalibrationMethod.PERCENTILE, CalibrationMethod.parse("Percentile"));
    assertEquals(CalibrationMethod.ENTROPY, CalibrationMethod.parse("ENTROPY"));
    assertEquals(CalibrationMethod.MSE, CalibrationMethod.parse(" mse"));
    for (CalibrationMethod m : CalibrationMethod.values()) {
      assertEquals(m, CalibrationMethod.parse(m.id()));
      assertEquals(m.id(), m.toString());
    }
  }

  @Test
  void rejectsUnknownNameListingTheKnownOnes() {
    QcalException e = assertThrows(QcalException.class, () -> CalibrationMethod.parse("kl"));
    assertEquals("calibration method must be one of [minmax, averageminmax, percentile, entropy, "
        + "mse], got kl", e.getMessage());
  }

  @Test
  void createsTheCalibratorOfEachMethod() {
    assertInstanceOf(MinMaxCalibrator.class, CalibrationMethod.MINMAX.create());
    assertInstanceOf(AverageMinMaxCalibrator.class, CalibrationMethod.AVERAGE_MINMAX.create());
    assertInstanceOf(PercentileCalibrator.class, CalibrationMethod.PERCENTILE.create());
    assertInstanceOf(EntropyCalibrator.class, CalibrationMethod.ENTROPY.create());
    assertInstanceOf(MseCalibrator.class, CalibrationMethod.MSE.create());
    for (CalibrationMethod m : CalibrationMethod.values()) {
      assertEquals(m, m.create().method());
    }
  }

  @Test
  void onlyHistogramMethodsNeedTheSecondPass() {
    assertFalse(CalibrationMethod.MINMAX.needsHistogram());
    assertFalse(CalibrationMethod.AVERAGE_MINMAX.needsHistogram());
    assertTrue(CalibrationMethod.PERCENTILE.needsHistogram());
    assertTrue(CalibrationMethod.ENTROPY.needsHistogram());
    assertTrue(CalibrationMethod.MSE.needsHistogram());
  }

  @Test
  void rejectsNullOptions() {
    assertThrows(QcalException.class, () -> CalibrationMethod.MSE.create(null));
  }
}
