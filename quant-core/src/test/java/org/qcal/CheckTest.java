package org.qcal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CheckTest {

  @Test
  void percentileMessageSaysExpectedAndActual() {
    QcalException e = assertThrows(QcalException.class,
        () -> Check.inOpenClosed(100.5, 0, 100, "percentile"));
    assertEquals("percentile must be in (0, 100], got 100.5", e.getMessage());
  }

  @Test
  void openLowerBoundIsExcluded() {
    assertThrows(QcalException.class, () -> Check.inOpenClosed(0.0, 0, 100, "percentile"));
    assertEquals(100.0, Check.inOpenClosed(100.0, 0, 100, "percentile"));
  }

  @Test
  void rejectsNaNAsPercentile() {
    QcalException e = assertThrows(QcalException.class,
        () -> Check.inOpenClosed(Double.NaN, 0, 100, "percentile"));
    assertEquals("percentile must be in (0, 100], got NaN", e.getMessage());
  }

  @Test
  void sliceMessageNamesOffsetAndLength() {
    QcalException e = assertThrows(QcalException.class,
        () -> Check.slice(new float[4], 3, 2, "values"));
    assertEquals("values slice [off, off + len) must lie in [0, 4], got off 3, len 2",
        e.getMessage());
  }

  @Test
  void sliceRejectsNullArray() {
    QcalException e = assertThrows(QcalException.class,
        () -> Check.slice((float[]) null, 0, 0, "values"));
    assertEquals("values must not be null", e.getMessage());
  }

  @Test
  void sliceRejectsNegativeOffsetAndLength() {
    assertThrows(QcalException.class, () -> Check.slice(new float[4], -1, 1, "values"));
    assertThrows(QcalException.class, () -> Check.slice(new float[4], 0, -1, "values"));
  }

  @Test
  void sliceAcceptsEmptySliceAtTheEnd() {
    Check.slice(new float[4], 4, 0, "values");
  }

  @Test
  void positiveRejectsZeroNegativeNaNAndInfinity() {
    QcalException e = assertThrows(QcalException.class, () -> Check.positive(0.0, "scale"));
    assertEquals("scale must be finite and > 0, got 0.0", e.getMessage());
    assertThrows(QcalException.class, () -> Check.positive(-1.0, "scale"));
    assertThrows(QcalException.class, () -> Check.positive(Double.NaN, "scale"));
    assertThrows(QcalException.class,
        () -> Check.positive(Double.POSITIVE_INFINITY, "scale"));
  }

  @Test
  void atLeastNamesTheBound() {
    QcalException e = assertThrows(QcalException.class, () -> Check.atLeast(0, 1, "bins"));
    assertEquals("bins must be >= 1, got 0", e.getMessage());
  }
}
