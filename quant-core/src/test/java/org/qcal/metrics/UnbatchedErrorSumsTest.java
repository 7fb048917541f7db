package org.qcal.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Error sums of tensors whose first dim is not the rows fed. */
class UnbatchedErrorSumsTest {
  @Test
  void transposedTensorAddsElementPairsAndCountsRows() {
    // x = [[1,2,3],[4,5,6]] (shape [2,3]) for 3 rows, y = x + 1 everywhere.
    float[] x = {1, 2, 3, 4, 5, 6};
    float[] y = {2, 3, 4, 5, 6, 7};
    ErrorSums e = new ErrorSums().updateBatch(x, 0, y, 0, new long[] {2, 3}, 3);
    assertEquals(3, e.samples());
    assertEquals(6, e.elements());
    assertEquals(91.0, e.sumX2()); // 1 + 4 + 9 + 16 + 25 + 36
    assertEquals(6.0, e.sumSquaredError());
  }

  @Test
  void batchesSplitDifferentlyGiveEqualSums() {
    float[] x = {1, 2, 3, 4, 5, 6};
    float[] y = {1.5f, 2, 3, 4, 5, 5};
    ErrorSums whole = new ErrorSums().updateBatch(x, 0, y, 0, new long[] {6}, 1);
    ErrorSums parts = new ErrorSums()
        .updateBatch(x, 0, y, 0, new long[] {1, 2}, 2)
        .updateBatch(x, 2, y, 2, new long[] {4}, 3);
    assertEquals(whole.sumSquaredError(), parts.sumSquaredError()); // 0.25 + 1
    assertEquals(1.25, parts.sumSquaredError());
    assertEquals(whole.sumXY(), parts.sumXY());
  }

  @Test
  void shapeLargerThanTheBuffersIsACallersBug() {
    assertThrows(IllegalArgumentException.class,
        () -> new ErrorSums().updateBatch(new float[2], 0, new float[2], 0, new long[] {3}, 1));
  }
}
