package org.qcal.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.qcal.QcalException;

class HistogramTest {
  /** [-1, 4] with N = 4: w = 1, bins (-1, 0] | [0, 1) [1, 2) [2, 3) [3, 4]. */
  private static final HistogramGrid GRID = HistogramGrid.of(-1f, 4f, 4);

  @Test
  void binsFollowTheZeroAlignedGrid() {
    Histogram h = new Histogram(GRID).update(
        new float[] {-1f, -0.5f, -0.0f, 0f, 1f, 3.5f, 4f, Float.NaN, Float.NEGATIVE_INFINITY});
    // -1 and -0.5 -> (-1, 0] (the outer edge value joins the outermost bin); -0.0 and 0 ->
    // [0, 1); 1 -> [1, 2); 3.5 and 4 -> [3, 4]; NaN and -Inf are skipped.
    assertArrayEquals(new long[] {2, 2, 1, 0, 2}, h.counts());
    assertEquals(7, h.total());
  }

  @Test
  void foldGivesTheAbsoluteValueHistogram() {
    Histogram h = Histogram.of(GRID, new long[] {2, 2, 1, 0, 2});
    // |x| bins [0, 1) [1, 2) [2, 3) [3, 4]: pos[0] + neg[0] = 2 + 2, then 1, 0, 2.
    Histogram f = h.foldAbs();
    assertEquals(HistogramGrid.ofWidth(1f, 0, 4), f.grid());
    assertArrayEquals(new long[] {4, 1, 0, 2}, f.counts());
  }

  @Test
  void foldOfDataEqualsHistogramOfAbsoluteValues() {
    Random r = new Random(5);
    float[] a = new float[5000];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) Math.max(-3.9, Math.min(2.9, r.nextGaussian()));
    }
    a[0] = -4f; // make the negative side the longer one
    a[1] = 2.97f; // not on an edge: 3 = 48 w would stay in the last positive bin (see foldAbs)
    HistogramGrid grid = HistogramGrid.of(-4f, 3f, 64);
    float[] abs = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      abs[i] = Math.abs(a[i]);
    }
    Histogram folded = new Histogram(grid).update(a).foldAbs();
    assertEquals(new Histogram(grid.folded()).update(abs), folded);
  }

  @Test
  void mergeOfSplitsEqualsSinglePassBitForBit() {
    Random r = new Random(11);
    float[] data = TestArrays.mixed(r, 3001);
    TensorStats stats = new TensorStats().update(data);
    HistogramGrid grid = HistogramGrid.of(stats, 128);
    byte[] single = new Histogram(grid).update(data).toByteArray();
    for (int k = 1; k <= 16; k++) {
      int[] cuts = TestArrays.cuts(r, data.length, k);
      Histogram[] parts = new Histogram[k];
      for (int p = 0; p < k; p++) {
        parts[p] = new Histogram(grid).update(data, cuts[p], cuts[p + 1] - cuts[p]);
      }
      List<Integer> order = TestArrays.order(r, k);
      Histogram merged = new Histogram(grid);
      for (int p : order) {
        merged.merge(parts[p]);
      }
      assertArrayEquals(single, merged.toByteArray(), "k = " + k);
    }
  }

  @Test
  void mergeRefusesDifferentGridsNamingBoth() {
    Histogram a = new Histogram(GRID);
    Histogram b = new Histogram(HistogramGrid.of(-1f, 4f, 8));
    QcalException e = assertThrows(QcalException.class, () -> a.merge(b));
    assertEquals("histograms must share one grid to merge, got "
        + "HistogramGrid{w=1.0, negBins=1, posBins=4} and "
        + "HistogramGrid{w=0.5, negBins=2, posBins=8}", e.getMessage());
  }

  @Test
  void mergeWithItselfDoublesCounts() {
    Histogram h = Histogram.of(GRID, new long[] {1, 2, 3, 4, 5});
    assertArrayEquals(new long[] {2, 4, 6, 8, 10}, h.merge(h).counts());
  }

  @Test
  void degenerateGridCountsAllZeros() {
    Histogram h = new Histogram(HistogramGrid.of(0f, 0f, 2048)).update(new float[] {0f, -0.0f});
    assertArrayEquals(new long[] {2}, h.counts());
  }

  @Test
  void bytesRoundTripWithDocumentedHeader() {
    Histogram h = Histogram.of(GRID, new long[] {1, 0, 300, 0, Long.MAX_VALUE});
    byte[] b = h.toByteArray();
    assertEquals(16 + 8 * 5, b.length);
    assertEquals(1, b[0]); // format version
    assertEquals(2, b[1]); // family: Histogram
    assertEquals(1, b[8]); // negBins = 1, little endian
    assertEquals(4, b[12]); // posBins = 4
    assertEquals(300 & 0xFF, b[16 + 16] & 0xFF); // third count, low byte first
    assertEquals(h, Histogram.fromByteArray(b));
  }

  @Test
  void javaSerializationRoundTrips() throws Exception {
    Histogram h = Histogram.of(GRID, new long[] {1, 0, 3, 0, 5});
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(h);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      Histogram back = (Histogram) in.readObject();
      assertEquals(h, back);
      assertArrayEquals(h.toByteArray(), back.toByteArray());
    }
  }

  @Test
  void rejectsMalformedBytes() {
    byte[] good = Histogram.of(GRID, new long[] {1, 0, 3, 0, 5}).toByteArray();
    byte[] shortCounts = Arrays.copyOf(good, good.length - 8);
    QcalException e = assertThrows(QcalException.class,
        () -> Histogram.fromByteArray(shortCounts));
    assertTrue(e.getMessage().endsWith("got 32"), e.getMessage());
    byte[] negative = good.clone();
    Arrays.fill(negative, 16, 24, (byte) 0xFF); // count[0] = -1
    e = assertThrows(QcalException.class, () -> Histogram.fromByteArray(negative));
    assertEquals("count[0] must be >= 0, got -1", e.getMessage());
    byte[] version = good.clone();
    version[0] = 0;
    assertThrows(QcalException.class, () -> Histogram.fromByteArray(version));
    assertThrows(QcalException.class, () -> Histogram.fromByteArray(new byte[5]));
  }

  @Test
  void rejectsNullArrayAndBadSlices() {
    Histogram h = new Histogram(GRID);
    assertThrows(QcalException.class, () -> h.update(null));
    QcalException e = assertThrows(QcalException.class, () -> h.update(new float[2], 1, 2));
    assertTrue(e.getMessage().endsWith("got off 1, len 2"), e.getMessage());
    assertThrows(QcalException.class, () -> new Histogram(null));
    e = assertThrows(QcalException.class, () -> Histogram.of(GRID, new long[3]));
    assertEquals("counts length must be the grid's 5 bins, got 3", e.getMessage());
  }
}
