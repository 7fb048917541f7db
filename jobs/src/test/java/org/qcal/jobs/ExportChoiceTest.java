package org.qcal.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.qcal.QcalException;
import org.qcal.calib.CalibrationMethod;
import org.qcal.jobs.api.ExportChoice;

class ExportChoiceTest {
  @Test
  void parsesAutoAndMethodIdsInAnyCase() {
    assertTrue(ExportChoice.parse(" AUTO ", 256).auto());
    assertEquals(CalibrationMethod.MSE, ExportChoice.parse("Mse", 256).method());
    assertEquals(64, ExportChoice.parse("auto", 64).sampleRows());
  }

  @Test
  void refusesAnUnknownIdNamingTheChoices() {
    QcalException e = assertThrows(QcalException.class, () -> ExportChoice.parse("kl", 256));
    assertEquals("choose must be one of auto, minmax, averageminmax, percentile, entropy, mse;"
        + " got kl", e.getMessage());
  }

  @Test
  void refusesAnEmptySample() {
    QcalException e = assertThrows(QcalException.class, () -> ExportChoice.auto(0));
    assertEquals("chooseRows must be >= 1, got 0", e.getMessage());
  }
}
