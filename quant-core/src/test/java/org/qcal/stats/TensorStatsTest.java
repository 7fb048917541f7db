package org.qcal.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.qcal.QcalException;

class TensorStatsTest {
  private static final float NAN = Float.NaN;
  private static final float INF = Float.POSITIVE_INFINITY;

  @Test
  void countsNonFiniteValuesApartFromTheRange() {
    TensorStats s = new TensorStats().update(new float[] {1, -2, NAN, INF, -INF, 3, -0.0f});
    assertEquals(7, s.count());
    assertEquals(1, s.nanCount());
    assertEquals(1, s.posInfCount());
    assertEquals(1, s.negInfCount());
    assertEquals(4, s.finiteCount());
    assertEquals(-2f, s.min());
    assertEquals(3f, s.max());
    assertEquals(3f, s.absMax());
    // Finite values 1, -2, 3, -0: sum 2, sum of squares 14, mean 0.5, variance 14/4 - 0.25.
    assertEquals(2.0, s.sum());
    assertEquals(14.0, s.sumSquares());
    assertEquals(0.5, s.mean());
    assertEquals(3.25, s.variance());
    assertEquals(Math.sqrt(3.25), s.std());
  }

  @Test
  void sliceUpdatesReadOnlyTheSlice() {
    TensorStats s = new TensorStats().update(new float[] {100, 1, 2, -100}, 1, 2);
    assertEquals(2, s.count());
    assertEquals(1f, s.min());
    assertEquals(2f, s.max());
  }

  @Test
  void emptyStatsHaveNoRange() {
    TensorStats s = new TensorStats();
    assertTrue(s.hasNoFinite());
    assertEquals(INF, s.min());
    assertEquals(-INF, s.max());
    assertEquals(0f, s.absMax());
    assertTrue(Double.isNaN(s.mean()));
    assertTrue(Double.isNaN(s.std()));
    assertTrue(Double.isNaN(s.meanSampleMin()));
  }

  @Test
  void nanOnlySampleCountsButHasNoRange() {
    TensorStats s = new TensorStats().update(new float[] {NAN, INF});
    assertEquals(2, s.count());
    assertEquals(1, s.samples());
    assertEquals(0, s.rangedSamples());
    assertTrue(s.hasNoFinite());
  }

  @Test
  void batchUpdateSumsEachSamplesExtremes() {
    // Samples [1, 2], [3, 4], [5, 6]: mean of minima (1 + 3 + 5) / 3 = 3, of maxima 4.
    TensorStats s = new TensorStats().updateBatch(new float[] {1, 2, 3, 4, 5, 6}, 0, 6, 3);
    assertEquals(3, s.samples());
    assertEquals(3, s.rangedSamples());
    assertEquals(3.0, s.meanSampleMin());
    assertEquals(4.0, s.meanSampleMax());
    assertEquals(1f, s.min());
    assertEquals(6f, s.max());
  }

  @Test
  void samplesWithoutFiniteValuesStayOutOfTheAverages() {
    // Samples [-1, 1], [NaN, NaN], [-3, 5]: minima average (-1 - 3) / 2, maxima (1 + 5) / 2.
    TensorStats s = new TensorStats().updateBatch(new float[] {-1, 1, NAN, NAN, -3, 5}, 0, 6, 3);
    assertEquals(3, s.samples());
    assertEquals(2, s.rangedSamples());
    assertEquals(-2.0, s.meanSampleMin());
    assertEquals(3.0, s.meanSampleMax());
  }

  @Test
  void varianceOfMergedSumsHasNoCancellation() {
    // 1e8 + {0, 1, 2, 3} in floats: mean 1e8 + 1.5, variance 1.25. Naive double
    // S2/n - mean^2 loses everything here (S2 ~ 4e16, 2^-52 * 4e16 ~ 9).
    TensorStats s = new TensorStats();
    for (float x : new float[] {1e8f, 1e8f + 8, 1e8f + 16, 1e8f + 24}) {
      s.update(new float[] {x});
    }
    // Float spacing at 1e8 is 8: values 1e8 + {0, 8, 16, 24}, variance 8^2 * 1.25 = 80.
    assertEquals(80.0, s.variance());
    assertEquals(1e8 + 12, s.mean());
  }

  @Test
  void mergeOfSplitsEqualsSinglePassBitForBit() {
    Random r = new Random(7);
    int samples = 64;
    int each = 37; // not a multiple of the 8 kernel lanes: tails are exercised
    float[] data = TestArrays.mixed(r, samples * each);
    byte[] single = new TensorStats().updateBatch(data, 0, data.length, samples).toByteArray();
    for (int k = 1; k <= 16; k++) {
      int[] cuts = TestArrays.cuts(r, samples, k);
      TensorStats[] parts = new TensorStats[k];
      for (int p = 0; p < k; p++) {
        int n = cuts[p + 1] - cuts[p];
        parts[p] = new TensorStats().updateBatch(data, cuts[p] * each, n * each, n);
      }
      List<Integer> order = TestArrays.order(r, k);
      TensorStats merged = new TensorStats();
      for (int p : order) {
        merged.merge(parts[p]);
      }
      assertArrayEquals(single, merged.toByteArray(), "k = " + k);
    }
  }

  @Test
  void treeMergeEqualsLinearMerge() {
    Random r = new Random(8);
    float[] data = TestArrays.mixed(r, 16 * 50);
    TensorStats[] parts = new TensorStats[16];
    for (int p = 0; p < 16; p++) {
      parts[p] = new TensorStats().update(data, p * 50, 50);
    }
    TensorStats linear = new TensorStats();
    for (TensorStats p : parts) {
      linear.merge(p);
    }
    // Pairwise, as treeAggregate does: ((0+1)+(2+3)) + ...
    TensorStats[] level = parts;
    while (level.length > 1) {
      TensorStats[] next = new TensorStats[level.length / 2];
      for (int i = 0; i < next.length; i++) {
        next[i] = level[2 * i].copy().merge(level[2 * i + 1]);
      }
      level = next;
    }
    assertArrayEquals(linear.toByteArray(), level[0].toByteArray());
    assertEquals(linear, level[0]);
  }

  @Test
  void mergeWithEmptyEitherSideIsIdentity() {
    TensorStats s = new TensorStats().update(new float[] {-1, 2, NAN});
    byte[] before = s.toByteArray();
    assertArrayEquals(before, s.merge(new TensorStats()).toByteArray());
    assertArrayEquals(before, new TensorStats().merge(s).toByteArray());
  }

  @Test
  void bytesRoundTrip() {
    TensorStats s = new TensorStats().updateBatch(TestArrays.mixed(new Random(3), 300), 0, 300,
        10);
    TensorStats back = TensorStats.fromByteArray(s.toByteArray());
    assertEquals(s, back);
    assertArrayEquals(s.toByteArray(), back.toByteArray());
    assertEquals(s.std(), back.std());
  }

  @Test
  void byteLayoutStartsWithVersionFamilyAndLittleEndianCount() {
    byte[] b = new TensorStats().update(new float[] {1, 2, 3}).toByteArray();
    assertEquals(1, b[0]); // format version
    assertEquals(1, b[1]); // family: TensorStats
    assertEquals(3, b[4]); // count 3, least significant byte first
    assertEquals(0, b[5]);
  }

  @Test
  void javaSerializationRoundTrips() throws Exception {
    TensorStats s = new TensorStats().updateBatch(TestArrays.mixed(new Random(4), 120), 0, 120,
        4);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(s);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      TensorStats back = (TensorStats) in.readObject();
      assertArrayEquals(s.toByteArray(), back.toByteArray());
      back.update(new float[] {1});
      s.update(new float[] {1});
      assertEquals(s, back);
    }
  }

  @Test
  void rejectsWrongVersionTruncatedAndTrailingBytes() {
    byte[] good = new TensorStats().update(new float[] {1, 2}).toByteArray();
    byte[] version = good.clone();
    version[0] = 9;
    QcalException e = assertThrows(QcalException.class,
        () -> TensorStats.fromByteArray(version));
    assertEquals("TensorStats format version must be 1, got 9", e.getMessage());
    byte[] family = good.clone();
    family[1] = 2;
    assertThrows(QcalException.class, () -> TensorStats.fromByteArray(family));
    byte[] truncated = java.util.Arrays.copyOf(good, good.length - 1);
    // The last ExactSum announces more bytes than are left.
    e = assertThrows(QcalException.class, () -> TensorStats.fromByteArray(truncated));
    assertTrue(e.getMessage().startsWith("ExactSum length"), e.getMessage());
    byte[] cut = java.util.Arrays.copyOf(good, 30);
    e = assertThrows(QcalException.class, () -> TensorStats.fromByteArray(cut));
    assertEquals("TensorStats bytes must hold a complete state, got 30 bytes", e.getMessage());
    byte[] trailing = java.util.Arrays.copyOf(good, good.length + 2);
    e = assertThrows(QcalException.class, () -> TensorStats.fromByteArray(trailing));
    assertTrue(e.getMessage().endsWith("got 2 extra bytes"), e.getMessage());
    assertThrows(QcalException.class, () -> TensorStats.fromByteArray(new byte[0]));
    assertThrows(QcalException.class, () -> TensorStats.fromByteArray(null));
  }

  @Test
  void rejectsInconsistentCounts() {
    byte[] b = new TensorStats().update(new float[] {1, 2}).toByteArray();
    b[12] = 5; // NaN count 5 > count 2
    QcalException e = assertThrows(QcalException.class, () -> TensorStats.fromByteArray(b));
    assertTrue(e.getMessage().contains("NaN 5"), e.getMessage());
  }

  @Test
  void rejectsNullArrayAndBadSlices() {
    TensorStats s = new TensorStats();
    assertThrows(QcalException.class, () -> s.update(null));
    assertThrows(QcalException.class, () -> s.update(null, 0, 0));
    QcalException e = assertThrows(QcalException.class, () -> s.update(new float[3], 2, 2));
    assertTrue(e.getMessage().endsWith("got off 2, len 2"), e.getMessage());
    assertThrows(QcalException.class, () -> s.update(new float[3], -1, 1));
    // A caller's bug, not bad input: never a QcalException (that would be exit 2).
    IllegalArgumentException bug = assertThrows(IllegalArgumentException.class,
        () -> s.updateBatch(new float[6], 0, 6, 4));
    assertEquals("batch length must be a multiple of samples (4), got 6", bug.getMessage());
    assertThrows(IllegalArgumentException.class, () -> s.updateBatch(new float[6], 0, 6, 0));
    assertThrows(IllegalArgumentException.class,
        () -> s.updateBatch(new float[6], 0, new long[] {2, 4}, 2));
    assertThrows(QcalException.class, () -> s.merge(null));
    assertEquals(0, s.count());
  }
}
