package org.qcal.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.qcal.jobs.data.BadRow;
import org.qcal.stats.Histogram;
import org.qcal.stats.HistogramGrid;

/**
 * The calibration passes' partial in its documented byte layout: bytes -> partial -> bytes is
 * the identity for either pass, and merges of read-back partials equal merges of the originals.
 * (Through Spark's Kryo: KryoStatsTest.)
 */
class PassPartialTest {
  private static PassPartial stats(float... values) {
    PassPartial p = PassPartial.ofStats(2);
    p.stats[0].update(values);
    p.stats[1].updateBatch(values, 0, new long[] {values.length}, 2); // not batch-first
    p.rows = 2;
    p.inferenceNanos = 10;
    p.copyNanos = 20;
    p.kernelNanos = 30;
    return p;
  }

  private static PassPartial histograms(float... values) {
    HistogramGrid grid = HistogramGrid.of(-4f, 4f, 128);
    Histogram[] h = {new Histogram(grid), new Histogram(grid)};
    h[0].update(values);
    PassPartial p = PassPartial.ofHistograms(h);
    p.rows = 1;
    return p;
  }

  private static PassPartial read(PassPartial p) {
    return PassPartial.fromByteArray(p.toByteArray());
  }

  @Test
  void bytesToPartialToBytesIsTheIdentityInEitherPass() {
    PassPartial s = stats(1.5f, -2f, Float.NaN, 3e-38f);
    s.badRow = new BadRow("file:/d/x.npy", 0, -1, "x.npy: not an array");
    byte[] bytes = s.toByteArray();
    PassPartial back = PassPartial.fromByteArray(bytes);
    assertArrayEquals(bytes, back.toByteArray());
    assertEquals(s.badRow, back.badRow);
    assertEquals(30, back.kernelNanos);
    assertNull(back.histograms());
    assertEquals(s.stats()[1], back.stats()[1]);
    assertTrue(back.stats()[1].unbatched());

    PassPartial h = histograms(0.5f, -3.9f, 3.9f);
    assertArrayEquals(h.toByteArray(), read(h).toByteArray());
    assertNull(read(h).stats());
    assertArrayEquals(h.histograms()[0].counts(), read(h).histograms()[0].counts());
    assertEquals(1, bytes[0]); // format version
    assertEquals(7, bytes[1]); // family: PassPartial
  }

  /** The one pass: statistics and one-pass histograms of 16 bins per side, as the sink adds. */
  private static PassPartial onePass(float... values) {
    PassPartial p = PassPartial.ofStatsAndHistograms(2, 16);
    p.stats[0].update(values);
    p.onePass[0].update(values, 0, values.length, p.stats[0].min(), p.stats[0].max());
    p.rows = 1;
    return p;
  }

  @Test
  void onePassPartialsRoundTripAndMergeToTheirHistograms() {
    PassPartial small = onePass(0.5f, -0.25f);
    PassPartial wide = onePass(30f, -3f);
    assertArrayEquals(small.toByteArray(), read(small).toByteArray());
    byte[] merged = onePass(0.5f, -0.25f).merge(onePass(30f, -3f)).toByteArray();
    assertArrayEquals(merged, read(small).merge(read(wide)).toByteArray());
    // 30 with 16 bins per side: w = 2 (30 / 2 = 15 < 16; w = 1 would put 30 in bin 30).
    // -3 -> (-4, -2], -0.25 -> (-2, 0], 0.5 -> [0, 2), 30 -> [30, 32).
    Histogram h = PassPartial.fromByteArray(merged).histograms()[0];
    assertEquals(HistogramGrid.ofWidth(2f, 2, 16), h.grid());
    long[] expected = new long[18];
    expected[0] = 1;
    expected[1] = 1;
    expected[2] = 1;
    expected[17] = 1;
    assertArrayEquals(expected, h.counts());
    assertEquals(4, PassPartial.fromByteArray(merged).stats()[0].count());
  }

  /** SmoothQuant's pass: per tensor the max |x| of each channel of the last axis. */
  private static PassPartial channelMax(float... rowsOfTwo) {
    PassPartial p = PassPartial.ofChannelMax(new int[] {2});
    p.channelMax[0].update(rowsOfTwo, 0, rowsOfTwo.length);
    p.rows = rowsOfTwo.length / 2;
    return p;
  }

  @Test
  void channelMaxPartialsRoundTripAndMergeToTheLargerMaxima() {
    PassPartial a = channelMax(1f, -4f, -3f, 0.5f);
    PassPartial b = channelMax(2f, 1f);
    assertArrayEquals(a.toByteArray(), read(a).toByteArray());
    PassPartial merged = read(a).merge(read(b));
    assertArrayEquals(channelMax(1f, -4f, -3f, 0.5f).merge(channelMax(2f, 1f)).toByteArray(),
        merged.toByteArray());
    assertArrayEquals(new float[] {3f, 4f}, merged.channelMax()[0].max(), 0f);
    assertNull(merged.stats());
  }

  @Test
  void mergeOfReadBackPartialsEqualsMergeOfOriginals() {
    PassPartial a = stats(1f, 2f, -7f);
    PassPartial b = stats(Float.POSITIVE_INFINITY, 0.25f);
    b.badRow = new BadRow(null, 1, 4, "partition 1 row 4: bad");
    byte[] originals = PassPartial.ofStats(2).merge(a).merge(b).toByteArray();
    assertArrayEquals(originals, read(a).merge(read(b)).toByteArray());
    byte[] histograms = histograms(0f).merge(histograms(1f, 2f)).toByteArray();
    assertArrayEquals(histograms, read(histograms(0f)).merge(read(histograms(1f, 2f)))
        .toByteArray());
  }

  @Test
  void malformedBytesAreRefused() {
    byte[] good = histograms(1f).toByteArray();
    byte[] stats = good.clone();
    stats[40] = -2; // the stats array's count: -2 (it is -1, 0xffffffff)
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PassPartial.fromByteArray(stats));
    assertTrue(e.getMessage().startsWith("PassPartial bytes are malformed: stats count must be"
        + " -1 or in [0, "), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> PassPartial.fromByteArray(Arrays.copyOf(good, 30)));
    assertEquals("PassPartial bytes must hold a complete state, got 30 bytes", e.getMessage());
  }

  @Test
  void javaSerializationCarriesTheSameLayout() throws Exception {
    // A session with Java's serializer (a notebook's default) ships the layout, not the fields.
    PassPartial p = stats(1f, -2f, 3f);
    java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(buffer)) {
      out.writeObject(p);
    }
    Object back;
    try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
        new java.io.ByteArrayInputStream(buffer.toByteArray()))) {
      back = in.readObject();
    }
    org.junit.jupiter.api.Assertions.assertArrayEquals(p.toByteArray(),
        ((PassPartial) back).toByteArray());
  }
}
