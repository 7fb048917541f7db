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
  }

  @Test
  void nanRanksAfterEveryNumber() {
    float[] s = {Float.NaN, Float.NEGATIVE_INFINITY, 2f, Float.NaN};
    assertEquals(2, TopK.argmax(s, 0, 4));
    assertEquals(2, TopK.rank(s, 0, 4, 0));
    assertEquals(3, TopK.rank(s, 0, 4, 3));
    assertEquals(1, TopK.rank(s, 0, 4, 1));
    assertEquals(0, TopK.argmax(new float[] {Float.NaN, Float.NaN}, 0, 2));
  }

  @Test
  void readsTheRowAtItsOffset() {
    float[] rows = {9f, 0f, 0f, /* row 1: */ 0f, 0f, 5f};
    assertEquals(2, TopK.argmax(rows, 3, 3));
    assertArrayEquals(new int[] {0, 2, -1}, TopK.argmaxRows(rows, 0, 2, 3, new int[] {-1, -1, -1}));
  }

  @Test
  void ranksOrderEveryRowTotallyWithArgmaxFirst() {
    Random r = new Random(7);
    for (int round = 0; round < 500; round++) {
      int classes = 1 + r.nextInt(12);
      float[] s = new float[classes + 2];
      for (int j = 0; j < s.length; j++) {
        // Few distinct values: many ties.
        s[j] = r.nextInt(10) == 0 ? Float.NaN : r.nextInt(4);
      }
      boolean[] taken = new boolean[classes];
      for (int c = 0; c < classes; c++) {
        int rank = TopK.rank(s, 2, classes, c);
        assertFalse(taken[rank], "ranks are distinct");
        taken[rank] = true;
        for (int d = c + 1; d < classes; d++) {
          // c ranks before d unless d's score is strictly better (indices break ties).
          assertEquals(!TopK.ranksAbove(s[2 + d], s[2 + c]),
              rank < TopK.rank(s, 2, classes, d));
        }
      }
      assertEquals(0, TopK.rank(s, 2, classes, TopK.argmax(s, 2, classes)));
    }
  }

  @Test
  void rejectsAClassOutsideTheRow() {
    QcalException e = assertThrows(QcalException.class,
        () -> TopK.rank(new float[4], 0, 4, 4));
    assertTrue(e.getMessage().contains("[0, 4)") && e.getMessage().contains("got 4"),
        e.getMessage());
    assertThrows(QcalException.class, () -> TopK.argmax(new float[3], 1, 3));
  }
}
