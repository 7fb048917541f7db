package org.qcal.calib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.qcal.QcalException;
import org.qcal.quant.QuantRule;
import org.qcal.quant.QuantType;

class CalibrationOptionsTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    CalibrationOptions o = CalibrationOptions.defaults();
    assertEquals(99.999, o.percentile());
    assertEquals(128, o.entropyLevels());
    assertEquals(QuantType.UINT8, o.type());
    assertEquals(QuantRule.ASYMMETRIC, o.rule());
    assertFalse(o.symmetric());
    assertEquals(2048, CalibrationDefaults.BINS_PER_SIDE);
  }

  @Test
  void withMethodsChangeOneSettingAndKeepTheOthers() {
    CalibrationOptions o = CalibrationOptions.defaults().withPercentile(99.9)
        .withRule(QuantRule.SYMMETRIC).withType(QuantType.INT8).withEntropyLevels(64);
    assertEquals(99.9, o.percentile());
    assertTrue(o.symmetric());
    assertEquals(QuantType.INT8, o.type());
    assertEquals(64, o.entropyLevels());
    assertEquals(99.999, CalibrationOptions.defaults().percentile());
  }

  @Test
  void rejectsPercentileOutsideZeroToHundred() {
    CalibrationOptions o = CalibrationOptions.defaults();
    QcalException e = assertThrows(QcalException.class, () -> o.withPercentile(100.5));
    assertEquals("percentile must be in (0, 100], got 100.5", e.getMessage());
    e = assertThrows(QcalException.class, () -> o.withPercentile(-1));
    assertEquals("percentile must be in (0, 100], got -1.0", e.getMessage());
    assertThrows(QcalException.class, () -> o.withPercentile(0));
    assertThrows(QcalException.class, () -> o.withPercentile(Double.NaN));
    assertEquals(100.0, o.withPercentile(100).percentile());
  }

  @Test
  void rejectsFewerThanTwoEntropyLevelsAndNulls() {
    QcalException e = assertThrows(QcalException.class,
        () -> CalibrationOptions.defaults().withEntropyLevels(1));
    assertEquals("entropy levels must be >= 2, got 1", e.getMessage());
    assertThrows(QcalException.class, () -> CalibrationOptions.defaults().withType(null));
    assertThrows(QcalException.class, () -> CalibrationOptions.defaults().withRule(null));
  }
}
