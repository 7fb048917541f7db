package org.qcal.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class OutputAgreementTest {
  /**
   * Two rows of [steps 2, classes 3]. Row 0: FP32 argmaxes (2, 0), candidate (2, 0): both equal.
   * Row 1: FP32 (1, 1), candidate (1, 2): one of two. So 3 of 4 positions, 1 of 2 rows.
   */
  @Test
  void countsPerStepAndWholeRowAgreement() {
    float[] ref = {0, 1, 5, /**/ 3, 2, 1, /**/ 0, 9, 1, /**/ 1, 4, 2};
    float[] cand = {0, 2, 4, /**/ 3, 0, 0, /**/ 1, 8, 0, /**/ 1, 2, 3};
    OutputAgreement a = new OutputAgreement().updatePositions(ref, cand, 2, 2, 3, 1);
    assertEquals(4, a.positions());
    assertEquals(3, a.positionsEqual());
    assertEquals(2, a.rows());
    assertEquals(1, a.rowsEqual());
  }

  /**
   * One row of [classes 2, H*W 3] (class axis before the pixels): pixel argmaxes FP32 (1, 0, 0)
   * and candidate (1, 1, 0) agree on 2 of 3 pixels.
   */
  @Test
  void classAxisBeforeThePixelsIsReadWithItsStride() {
    float[] ref = {0, 5, 5, /**/ 1, 4, 4};
    float[] cand = {0, 3, 5, /**/ 1, 4, 4};
    OutputAgreement a = new OutputAgreement().updatePositions(ref, cand, 1, 1, 2, 3);
    assertEquals(3, a.positions());
    assertEquals(2, a.positionsEqual());
  }

  /**
   * Threshold 0.5. FP32 positives {0, 1, 3}, candidate positives {1, 2, 3}: same side for
   * elements 1, 3 and 4 (3 of 5), intersection {1, 3} = 2, union {0, 1, 2, 3} = 4, IoU 50 %.
   */
  @Test
  void countsMapsSidesAndIou() {
    float[] ref = {0.9f, 0.6f, 0.4f, 0.7f, 0.1f};
    float[] cand = {0.5f, 0.8f, 0.51f, 0.99f, 0.2f};
    OutputAgreement a = new OutputAgreement().updateMap(ref, cand, 5, 0.5f);
    assertEquals(5, a.elements());
    assertEquals(3, a.sameSide());
    assertEquals(2, a.intersection());
    assertEquals(4, a.union());
    assertEquals(50.0, a.iouPercent());
  }

  @Test
  void mapsWithoutPositivesAgreeFully() {
    OutputAgreement a = new OutputAgreement().updateMap(new float[2], new float[2], 2, 0.5f);
    assertEquals(100.0, a.iouPercent());
  }

  @Test
  void mergeOfSplitsEqualsSinglePass() {
    float[] ref = {0.9f, 0.6f, 0.4f, 0.7f, 0.1f, 0.3f};
    float[] cand = {0.5f, 0.8f, 0.51f, 0.99f, 0.2f, 0.7f};
    OutputAgreement whole = new OutputAgreement().updateMap(ref, cand, 6, 0.5f)
        .updatePositions(ref, cand, 3, 1, 2, 1);
    OutputAgreement a = new OutputAgreement().updateMap(ref, cand, 6, 0.5f);
    OutputAgreement b = new OutputAgreement().updatePositions(ref, cand, 3, 1, 2, 1);
    OutputAgreement merged = new OutputAgreement().merge(b).merge(a);
    assertEquals(whole.sameSide(), merged.sameSide());
    assertEquals(whole.union(), merged.union());
    assertEquals(whole.positionsEqual(), merged.positionsEqual());
    assertEquals(whole.rowsEqual(), merged.rowsEqual());
  }

  @Test
  void rejectsRowsThatDoNotFitTheArrays() {
    assertThrows(IllegalArgumentException.class,
        () -> new OutputAgreement().updatePositions(new float[5], new float[6], 1, 2, 3, 1));
  }
}
