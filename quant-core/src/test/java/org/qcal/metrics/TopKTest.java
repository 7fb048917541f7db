package org.qcal.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.qcal.QcalException;

class TopKTest {

  @Test
  void argmaxBreaksTiesByLowerIndex() {
    float[] s = {0.1f, 0.9f, 0.9f, 0.3f};
    assertEquals(1, TopK.argmax(s, 0, 4));
    assertEquals(0, TopK.argmax(new float[] {2f, 2f, 2f}, 0, 3));
    assertEquals(0, TopK.argmax(new float[] {-0.0f, 0.0f}, 0, 2), "-0.0 ties with 0.0");
  }

  @Test
  void rankCountsTheClassesOrderedBefore() {
    float[] s = {0.1f, 0.9f, 0.9f, 0.3f};
    // Order: 1 (0.9), 2 (0.9, tie, higher index), 3 (0.3), 0 (0.1).
    assertEquals(3, TopK.rank(s, 0, 4, 0));
    assertEquals(0, TopK.rank(s, 0, 4, 1));
    assertEquals(1, TopK.rank(s, 0, 4, 2));
    assertEquals(2, TopK.rank(s, 0, 4, 3));
    assertArrayEquals(new int[] {1, 2, 3}, TopK.topK(s, 0, 4, 3));
    assertArrayEquals(new int[] {1, 2, 3, 0}, TopK.topK(s, 0, 4, 10));
  }

  @Test
  void nanRanksAfterEveryNumber() {
    float[] s = {Float.NaN, Float.NEGATIVE_INFINITY, 2f, Float.NaN};
    assertEquals(2, TopK.argmax(s, 0, 4));
    assertEquals(2, TopK.rank(s, 0, 4, 0));
    assertEquals(3, TopK.rank(s, 0, 4, 3));
    assertArrayEquals(new int[] {2, 1, 0, 3}, TopK.topK(s, 0, 4, 4));
    assertEquals(0, TopK.argmax(new float[] {Float.NaN, Float.NaN}, 0, 2));
  }

  @Test
  void readsTheRowAtItsOffset() {
    float[] rows = {9f, 0f, 0f, /* row 1: */ 0f, 0f, 5f};
    assertEquals(2, TopK.argmax(rows, 3, 3));
    assertArrayEquals(new int[] {0, 2, -1}, TopK.argmaxRows(rows, 0, 2, 3, new int[] {-1, -1, -1}));
  }

  @Test
  void inTopKAgreesWithTopKAndRank() {
    Random r = new Random(7);
    for (int round = 0; round < 500; round++) {
      int classes = 1 + r.nextInt(12);
      float[] s = new float[classes + 2];
      for (int j = 0; j < s.length; j++) {
        // Few distinct values: many ties.
        s[j] = r.nextInt(10) == 0 ? Float.NaN : r.nextInt(4);
      }
      int k = 1 + r.nextInt(6);
      int[] top = TopK.topK(s, 2, classes, k);
      for (int c = 0; c < classes; c++) {
        boolean listed = false;
        for (int t = 0; t < top.length; t++) {
          if (top[t] == c) {
            listed = true;
            assertEquals(t, TopK.rank(s, 2, classes, c), "rank is the position in topK");
          }
        }
        assertEquals(listed, TopK.inTopK(s, 2, classes, c, k));
      }
      assertEquals(top[0], TopK.argmax(s, 2, classes));
    }
  }

  @Test
  void rejectsAClassOutsideTheRow() {
    QcalException e = assertThrows(QcalException.class,
        () -> TopK.rank(new float[4], 0, 4, 4));
    assertTrue(e.getMessage().contains("[0, 4)") && e.getMessage().contains("got 4"),
        e.getMessage());
    assertThrows(QcalException.class, () -> TopK.argmax(new float[3], 1, 3));
    assertFalse(TopK.inTopK(new float[] {1f, 0f}, 0, 2, 1, 1));
  }
}
