package org.qcal.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** TensorStats of tensors whose first dim is not the rows fed (transposed, scalar). */
class UnbatchedTensorStatsTest {

  /** Rows 0..3 of a [4, 2] tensor: row r holds {r, -r}. */
  private static float[] rows(int from, int to) {
    float[] a = new float[(to - from) * 2];
    for (int r = from; r < to; r++) {
      a[(r - from) * 2] = r;
      a[(r - from) * 2 + 1] = -r;
    }
    return a;
  }

  /** The same rows transposed to [2, n]: first every value, then every negated value. */
  private static float[] transposed(int from, int to) {
    int n = to - from;
    float[] a = new float[2 * n];
    for (int r = from; r < to; r++) {
      a[r - from] = r;
      a[n + r - from] = -r;
    }
    return a;
  }

  @Test
  void transposedBatchCountsRowsAsSamplesAndValuesExactly() {
    TensorStats s = new TensorStats().updateBatch(transposed(0, 4), 0, new long[] {2, 4}, 4);
    // Values {0,1,2,3,0,-1,-2,-3}: sum 0, sum of squares 2 * (1 + 4 + 9) = 28, 8 values.
    assertEquals(4, s.samples());
    assertEquals(8, s.count());
    assertEquals(-3f, s.min());
    assertEquals(3f, s.max());
    assertEquals(0.0, s.sum());
    assertEquals(28.0, s.sumSquares());
    assertTrue(s.unbatched());
    assertEquals(0, s.rangedSamples());
    // No per-sample extremes: AverageMinMax falls back to the global range.
    assertEquals(-3.0, s.meanSampleMin());
    assertEquals(3.0, s.meanSampleMax());
  }

  @Test
  void batchFirstTensorKeepsPerSampleExtremes() {
    TensorStats s = new TensorStats().updateBatch(rows(0, 4), 0, new long[] {4, 2}, 4);
    // Sample minima 0,-1,-2,-3 (mean -1.5), maxima 0,1,2,3 (mean 1.5).
    assertFalse(s.unbatched());
    assertEquals(4, s.rangedSamples());
    assertEquals(-1.5, s.meanSampleMin());
    assertEquals(1.5, s.meanSampleMax());
  }

  @Test
  void transposedSplitsOverBatchesMergeToIdenticalBytes() {
    byte[] whole = new TensorStats().updateBatch(transposed(0, 6), 0, new long[] {2, 6}, 6)
        .toByteArray();
    // One partition in batches {0,1,2}, {3,4,5}; two partitions in batches {0,1} and {2..5}.
    TensorStats a = new TensorStats()
        .updateBatch(transposed(0, 3), 0, new long[] {2, 3}, 3)
        .updateBatch(transposed(3, 6), 0, new long[] {2, 3}, 3);
    TensorStats b1 = new TensorStats().updateBatch(transposed(0, 2), 0, new long[] {2, 2}, 2);
    TensorStats b2 = new TensorStats().updateBatch(transposed(2, 6), 0, new long[] {2, 4}, 4);
    assertArrayEquals(whole, a.toByteArray());
    assertArrayEquals(whole, new TensorStats().merge(b2).merge(b1).toByteArray());
  }

  @Test
  void scalarPerBatchIsOneValueStandingForItsRows() {
    TensorStats s = new TensorStats()
        .updateBatch(new float[] {2.5f}, 0, new long[0], 3)
        .updateBatch(new float[] {-0.5f}, 0, new long[0], 2);
    assertEquals(5, s.samples());
    assertEquals(2, s.count());
    assertEquals(2.0, s.sum());
    assertEquals(6.5, s.sumSquares()); // 6.25 + 0.25
    assertEquals(1.0, s.mean());
    assertEquals(-0.5, s.meanSampleMin());
    assertEquals(2.5, s.meanSampleMax());
  }

  @Test
  void scalarSplitMergeGivesIdenticalBytesWhateverTheOrder() {
    TensorStats one = new TensorStats()
        .updateBatch(new float[] {2.5f}, 0, new long[0], 3)
        .updateBatch(new float[] {-0.5f}, 0, new long[0], 2);
    TensorStats x = new TensorStats().updateBatch(new float[] {-0.5f}, 0, new long[0], 2);
    TensorStats y = new TensorStats().updateBatch(new float[] {2.5f}, 0, new long[0], 3);
    assertArrayEquals(one.toByteArray(), x.merge(y).toByteArray());
  }

  @Test
  void unbatchedMarkIsStickyAndSurvivesTheByteLayout() {
    TensorStats batchFirst = new TensorStats().updateBatch(rows(0, 2), 0, new long[] {2, 2}, 2);
    TensorStats other = new TensorStats().updateBatch(transposed(2, 4), 0, new long[] {2, 2}, 3);
    TensorStats merged = batchFirst.copy().merge(other);
    assertTrue(merged.unbatched());
    assertEquals(0, merged.rangedSamples());
    assertEquals(5, merged.samples());
    byte[] bytes = merged.toByteArray();
    assertEquals(1, bytes[2]); // the flag lives in the formerly reserved bytes
    assertEquals(merged, TensorStats.fromByteArray(bytes));
    assertEquals(merged, other.copy().merge(batchFirst));
  }
}
