package org.qcal.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.qcal.QcalException;

class ErrorSumsTest {

  @Test
  void sumsAndDerivedMetricsOfAHandMadePair() {
    // x = (1, 2, 3), y = (1, 2, 2): x2 = 14, y2 = 9, xy = 11, (x - y)^2 = 1.
    ErrorSums e = new ErrorSums().update(new float[] {1, 2, 3}, 0, new float[] {1, 2, 2}, 0, 3);
    assertEquals(14.0, e.sumX2());
    assertEquals(9.0, e.sumY2());
    assertEquals(11.0, e.sumXY());
    assertEquals(1.0, e.sumSquaredError());
    assertEquals(1, e.samples());
    assertEquals(3, e.elements());
    assertEquals(10 * Math.log10(14.0), e.sqnrDb()); // 11.4613 dB
    assertEquals(11.4613, e.sqnrDb(), 1e-4);
    assertEquals(11 / Math.sqrt(126.0), e.cosine()); // 0.97996
    assertEquals(0.97996, e.cosine(), 1e-5);
    assertEquals(1.0 / 3, e.meanSquaredError());
  }

  @Test
  void sqnrOfTenTimesSmallerNoiseIsTwentyDb() {
    // error 0.1 * x on every element: SQNR = 10 log10(1 / 0.01) = 20 dB.
    float[] x = {4, -4, 4, -4};
    float[] y = {4.4f, -4.4f, 4.4f, -4.4f};
    ErrorSums e = new ErrorSums().update(x, 0, y, 0, 4);
    assertEquals(20.0, e.sqnrDb(), 1e-5);
    assertEquals(1.0, e.cosine(), 1e-15);
  }

  @Test
  void edgeCasesOfZeroSignals() {
    ErrorSums exact = new ErrorSums().update(new float[] {1, 2}, 0, new float[] {1, 2}, 0, 2);
    assertEquals(Double.POSITIVE_INFINITY, exact.sqnrDb());
    assertEquals(1.0, exact.cosine());
    ErrorSums zeroReference = new ErrorSums().update(new float[2], 0, new float[] {1, 0}, 0, 2);
    assertEquals(Double.NEGATIVE_INFINITY, zeroReference.sqnrDb());
    assertEquals(0.0, zeroReference.cosine());
    ErrorSums bothZero = new ErrorSums().update(new float[2], 0, new float[2], 0, 2);
    assertEquals(Double.POSITIVE_INFINITY, bothZero.sqnrDb());
    assertEquals(1.0, bothZero.cosine());
    ErrorSums opposite = new ErrorSums().update(new float[] {1, 0}, 0, new float[] {-1, 0}, 0,
        2);
    assertEquals(-1.0, opposite.cosine());
    ErrorSums empty = new ErrorSums();
    assertTrue(Double.isNaN(empty.sqnrDb()));
    assertTrue(Double.isNaN(empty.cosine()));
    assertTrue(Double.isNaN(empty.meanSquaredError()));
  }

  @Test
  void nonFinitePairsEnterNoSumButAreCounted() {
    ErrorSums e = new ErrorSums().update(new float[] {1, Float.NaN, 2}, 0,
        new float[] {1, 5, Float.POSITIVE_INFINITY}, 0, 3);
    assertEquals(1.0, e.sumX2());
    assertEquals(0.0, e.sumSquaredError());
    assertEquals(3, e.elements());
  }

  @Test
  void updateRowsAddsOneSampleAtATime() {
    float[] x = {1, 2, 3, 4, 5, 6};
    float[] y = {1, 2, 2, 4, 6, 6};
    ErrorSums rows = new ErrorSums().updateRows(x, 0, y, 0, 3, 2);
    ErrorSums one = new ErrorSums();
    for (int r = 0; r < 3; r++) {
      one.update(x, 2 * r, y, 2 * r, 2);
    }
    assertEquals(one, rows);
    assertEquals(3, rows.samples());
    assertEquals(2.0, rows.sumSquaredError());
  }

  @Test
  void mergeOfSplitsEqualsSinglePassBitForBit() {
    Random r = new Random(11);
    int rows = 1000;
    int perRow = 37; // not a multiple of the kernel's lanes: the tail rule is exercised too
    float[] x = new float[rows * perRow];
    float[] y = new float[rows * perRow];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(7) - 3));
      y[i] = x[i] + (float) (r.nextGaussian() * 1e-2);
    }
    ErrorSums whole = new ErrorSums().updateRows(x, 0, y, 0, rows, perRow);
    ErrorSums[] parts = {new ErrorSums(), new ErrorSums(), new ErrorSums()};
    for (int row = 0; row < rows; row++) {
      parts[r.nextInt(3)].update(x, row * perRow, y, row * perRow, perRow);
    }
    ErrorSums forward = parts[0].copy().merge(parts[1]).merge(parts[2]);
    ErrorSums backward = parts[2].copy().merge(parts[1].copy().merge(parts[0]));
    assertEquals(whole, forward);
    assertEquals(whole, backward);
    assertEquals(whole.sqnrDb(), backward.sqnrDb());
    assertEquals(whole.cosine(), backward.cosine());
  }

  @Test
  void rejectsASliceOutsideItsArray() {
    QcalException e = assertThrows(QcalException.class,
        () -> new ErrorSums().update(new float[3], 0, new float[2], 0, 3));
    assertTrue(e.getMessage().contains("got off 0, len 3"), e.getMessage());
    assertThrows(QcalException.class,
        () -> new ErrorSums().updateRows(new float[6], 0, new float[6], 0, 4, 2));
  }

  @Test
  void survivesJavaSerialization() throws Exception {
    ErrorSums e = new ErrorSums().update(new float[] {1, 2, 3}, 0, new float[] {1, 2, 2}, 0, 3);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(e);
    }
    ErrorSums back;
    try (ObjectInputStream in = new ObjectInputStream(
        new ByteArrayInputStream(bytes.toByteArray()))) {
      back = (ErrorSums) in.readObject();
    }
    assertEquals(e, back);
    back.update(new float[] {1}, 0, new float[] {0}, 0, 1); // scratch is recreated
    assertEquals(2.0, back.sumSquaredError());
  }
}
