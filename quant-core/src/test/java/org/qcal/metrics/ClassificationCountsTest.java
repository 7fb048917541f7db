package org.qcal.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.qcal.QcalException;

class ClassificationCountsTest {
  /** Three rows of six classes. */
  private static final float[] SCORES = {
    0.1f, 0.5f, 0.2f, 0.0f, 0.0f, 0.0f, // predicts 1
    0.6f, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, // predicts 0; class 1 has rank 5, class 2 rank 4
    0.6f, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f,
  };
  private static final long[] LABELS = {1, 1, 2};
  private static final int[] REFERENCE = {1, 0, 3};

  @Test
  void countsTop1Top5AndAgreementOfHandMadeRows() {
    ClassificationCounts c = new ClassificationCounts().update(SCORES, 0, 3, 6, LABELS, REFERENCE);
    assertEquals(3, c.samples());
    assertEquals(3, c.labeled());
    assertEquals(1, c.top1Correct(), "row 0 only");
    assertEquals(2, c.top5Correct(), "row 0 (top-1) and row 2 (rank 4); row 1 has rank 5");
    assertEquals(3, c.compared());
    assertEquals(2, c.agreed(), "rows 0 and 1 predict what the reference does");
  }

  @Test
  void withoutLabelsOrReferenceOnlySamplesCount() {
    ClassificationCounts c = new ClassificationCounts().update(SCORES, 0, 3, 6, null, null);
    assertEquals(3, c.samples());
    assertEquals(0, c.labeled());
    assertEquals(0, c.top1Correct());
    assertEquals(0, c.compared());
  }

  @Test
  void everyLabelIsInTheTop5OfFewerThan5Classes() {
    float[] s = {0.9f, 0.1f, 0.0f};
    ClassificationCounts c = new ClassificationCounts().update(s, 0, 1, 3, new long[] {2}, null);
    assertEquals(0, c.top1Correct());
    assertEquals(1, c.top5Correct());
  }

  @Test
  void mergeOfSplitsEqualsSinglePass() {
    Random r = new Random(3);
    int rows = 101;
    int classes = 10;
    float[] s = new float[rows * classes];
    long[] labels = new long[rows];
    int[] reference = new int[rows];
    for (int i = 0; i < s.length; i++) {
      s[i] = r.nextInt(5);
    }
    for (int i = 0; i < rows; i++) {
      labels[i] = r.nextInt(classes);
      reference[i] = r.nextInt(classes);
    }
    ClassificationCounts whole = new ClassificationCounts()
        .update(s, 0, rows, classes, labels, reference);
    ClassificationCounts a = new ClassificationCounts();
    ClassificationCounts b = new ClassificationCounts();
    for (int row = 0; row < rows; row++) {
      long[] l = {labels[row]};
      int[] ref = {reference[row]};
      (row % 3 == 0 ? a : b).update(s, row * classes, 1, classes, l, ref);
    }
    assertEquals(whole, b.copy().merge(a));
    assertEquals(whole, a.merge(b).merge(new ClassificationCounts()));
  }

  @Test
  void rejectsALabelOutsideTheClassRangeAndCountsNothing() {
    ClassificationCounts c = new ClassificationCounts();
    QcalException e = assertThrows(QcalException.class,
        () -> c.update(SCORES, 0, 3, 6, new long[] {1, 6, 0}, null));
    assertEquals("label of row 1 must be in [0, 6), got 6", e.getMessage());
    assertEquals(new ClassificationCounts(), c);
    assertThrows(QcalException.class, () -> c.update(SCORES, 0, 3, 6, new long[] {-1, 0, 0},
        null));
    assertEquals(1, ClassificationCounts.firstLabelOutside(new long[] {0, 10, -1}, 3, 10));
    assertEquals(-1, ClassificationCounts.firstLabelOutside(new long[] {0, 9, 99}, 2, 10));
  }

  @Test
  void survivesJavaSerialization() throws Exception {
    ClassificationCounts c = new ClassificationCounts().update(SCORES, 0, 3, 6, LABELS, REFERENCE);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(c);
    }
    try (ObjectInputStream in = new ObjectInputStream(
        new ByteArrayInputStream(bytes.toByteArray()))) {
      assertEquals(c, in.readObject());
    }
  }
}
