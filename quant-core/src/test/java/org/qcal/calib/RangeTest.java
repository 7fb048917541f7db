package org.qcal.calib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.qcal.QcalException;

class RangeTest {

  @Test
  void symmetricRangeSpansMinusToPlusAmax() {
    Range r = Range.symmetric(2.5f);
    assertEquals(-2.5f, r.min());
    assertEquals(2.5f, r.max());
    assertEquals(2.5f, r.amax());
    assertEquals(Range.of(-2.5f, 2.5f), r);
    assertEquals("[-2.5, 2.5]", r.toString());
  }

  @Test
  void amaxIsTheLargerMagnitude() {
    assertEquals(3f, Range.of(-3f, 1f).amax());
  }

  @Test
  void rejectsReversedNonFiniteAndNegativeAmax() {
    QcalException e = assertThrows(QcalException.class, () -> Range.of(1f, 0f));
    assertEquals("range must be min <= max, got [1.0, 0.0]", e.getMessage());
    assertThrows(QcalException.class, () -> Range.of(Float.NaN, 0f));
    e = assertThrows(QcalException.class, () -> Range.symmetric(-1f));
    assertEquals("amax must be finite and >= 0, got -1.0", e.getMessage());
  }
}
