package org.qcal.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.qcal.QcalException;
import org.qcal.kernels.Kernels;

/**
 * The one-pass histogram's claims (its class comment): coarsening is binning at the wider width,
 * so any split of the data merged in any order gives the same counts as binning every value
 * directly at the final width, which depends on the absmax alone; and the absmax side keeps at
 * least N/2 bins.
 */
class OnePassHistogramTest {

  @Test
  void coarseningIsBinningAtTheWiderWidthByHand() {
    // N = 4. 0.5, 1.5, 3.9 fit w = 1 (3.9 < 4 * 1; w = 1/2 would need 3.9 * 2 = 7.8 < 4):
    // positive bins [0, 1) [1, 2) [2, 3) [3, 4) hold 1, 1, 0, 1.
    OnePassHistogram h = add(new OnePassHistogram(4), 0.5f, 1.5f, 3.9f);
    assertEquals(0, h.exponent());
    assertArrayEquals(new long[] {1, 1, 0, 1}, h.toHistogram().counts());
    // 5 needs w = 2 (5 / 2 = 2.5 < 4): the pairs sum to [0, 2) = 2, [2, 4) = 1, and 5 -> [4, 6),
    // which is binning 0.5, 1.5, 3.9, 5 at w = 2 directly.
    add(h, 5f);
    assertEquals(1, h.exponent());
    assertArrayEquals(new long[] {2, 1, 1}, h.toHistogram().counts());
    assertEquals(HistogramGrid.ofWidth(2f, 0, 3), h.toHistogram().grid());
  }

  @Test
  void negativeValuesMirrorAndNegativeZeroIsPositive() {
    // N = 4, absmax 3 -> w = 1: -3 -> (-4, -3], -0.5 -> (-1, 0], -0.0 and 0.25 -> [0, 1).
    OnePassHistogram h = add(new OnePassHistogram(4), -3f, -0.5f, -0.0f, 0.25f, Float.NaN,
        Float.POSITIVE_INFINITY);
    Histogram trimmed = h.toHistogram();
    assertEquals(HistogramGrid.ofWidth(1f, 4, 1), trimmed.grid());
    assertArrayEquals(new long[] {1, 0, 0, 1, 2}, trimmed.counts());
    assertEquals(4, h.total(), "NaN and infinities are skipped");
  }

  @Test
  void anySplitMergedInAnyOrderEqualsDirectBinningAtTheFinalWidth() {
    Random r = new Random(13);
    for (int trial = 0; trial < 40; trial++) {
      int n = 1 << (2 + r.nextInt(10)); // 4 .. 2048 bins per side
      float[] data = activations(r, 1 + r.nextInt(20_000));
      OnePassHistogram whole = feed(new OnePassHistogram(n), data, 0, data.length, r);
      assertArrayEquals(direct(data, n, whole.exponent()), whole.toHistogram().counts(),
          "trial " + trial);

      List<OnePassHistogram> parts = new ArrayList<>();
      int start = 0;
      while (start < data.length) {
        int len = Math.min(data.length - start, 1 + r.nextInt(Math.max(1, data.length / 3)));
        parts.add(feed(new OnePassHistogram(n), data, start, len, r));
        start += len;
      }
      parts.add(new OnePassHistogram(n)); // an empty partition
      Collections.shuffle(parts, r);
      while (parts.size() > 1) { // a random merge tree
        OnePassHistogram a = parts.remove(r.nextInt(parts.size()));
        OnePassHistogram b = parts.remove(r.nextInt(parts.size()));
        parts.add(a.merge(b));
      }
      assertEquals(whole, parts.get(0), "trial " + trial);
      assertArrayEquals(whole.toByteArray(), parts.get(0).toByteArray(), "trial " + trial);
    }
  }

  @Test
  void theAbsmaxSideSpansHalfToAllOfTheBins() {
    Random r = new Random(21);
    int n = 4096;
    for (int i = 0; i < 2000; i++) {
      float absMax = (float) Math.pow(2, -100 + 200 * r.nextDouble());
      OnePassHistogram h = add(new OnePassHistogram(n), absMax, -absMax / 3);
      int used = h.toHistogram().grid().posBins();
      assertTrue(used > n / 2 && used <= n, absMax + ": " + used + " bins");
      // the smallest such width: at half of it absMax would not fit
      assertTrue(absMax >= n * h.width() / 2, absMax + " at w " + h.width());
    }
  }

  @Test
  void tinyOrZeroRangesStayAtTheDegenerateFloor() {
    OnePassHistogram zero = add(new OnePassHistogram(2048), 0f, 0f);
    assertEquals(Float.MIN_NORMAL, zero.width());
    assertTrue(zero.toHistogram().grid().isDegenerate());
    assertEquals(HistogramGrid.ofWidth(Float.MIN_NORMAL, 0, 1), zero.toHistogram().grid());
    OnePassHistogram empty = new OnePassHistogram(2048);
    assertEquals(HistogramGrid.ofWidth(Float.MIN_NORMAL, 0, 1), empty.toHistogram().grid());
    assertEquals(0, empty.toHistogram().total());
    // The largest float, just below 2^128: w = 2^116 with 4096 bins (it is 4095.99... w).
    OnePassHistogram huge = add(new OnePassHistogram(4096), Float.MAX_VALUE);
    assertEquals(116, huge.exponent());
  }

  @Test
  void layoutRoundTripsAndRefusesMalformedBytes() {
    OnePassHistogram h = add(new OnePassHistogram(8), -7f, -1f, 0.5f, 2f, 3f);
    byte[] bytes = h.toByteArray();
    // 20 header bytes, then 8 bytes per used bin: w = 1 (7 < 8), -7 is in (-8, -7], the 8th
    // negative bin, and 3 in [3, 4), the 4th positive one.
    assertEquals(20 + 8 * (8 + 4), bytes.length);
    assertEquals(h, OnePassHistogram.fromByteArray(bytes));
    assertThrows(QcalException.class,
        () -> OnePassHistogram.fromByteArray(Arrays.copyOf(bytes, bytes.length - 1)));
    byte[] badFamily = bytes.clone();
    badFamily[1] = Histogram.FAMILY;
    assertThrows(QcalException.class, () -> OnePassHistogram.fromByteArray(badFamily));
    byte[] negative = bytes.clone();
    negative[27] = (byte) 0x80; // the first count's sign bit
    assertThrows(QcalException.class, () -> OnePassHistogram.fromByteArray(negative));
  }

  @Test
  void refusesMergingDifferentBinCountsAndTooManyBins() {
    assertThrows(QcalException.class,
        () -> new OnePassHistogram(8).merge(new OnePassHistogram(16)));
    assertThrows(QcalException.class, () -> new OnePassHistogram(Kernels.MAX_BINS));
  }

  /** Counts of binning every finite value at width 2^e, computed in double: |x| / 2^e is exact. */
  private static long[] direct(float[] data, int n, int e) {
    long[] neg = new long[n];
    long[] pos = new long[n];
    for (float x : data) {
      if (Float.isFinite(x)) {
        int m = (int) Math.floor(Math.abs((double) x) / Math.pow(2, e));
        if (x >= 0) {
          pos[m]++;
        } else {
          neg[m]++;
        }
      }
    }
    int usedNeg = n;
    while (usedNeg > 0 && neg[usedNeg - 1] == 0) {
      usedNeg--;
    }
    int usedPos = n;
    while (usedPos > 0 && pos[usedPos - 1] == 0) {
      usedPos--;
    }
    long[] out = new long[usedNeg + Math.max(usedPos, usedNeg == 0 ? 1 : 0)];
    for (int m = 0; m < usedNeg; m++) {
      out[usedNeg - 1 - m] = neg[m];
    }
    for (int m = 0; m < out.length - usedNeg; m++) {
      out[usedNeg + m] = pos[m];
    }
    return out;
  }

  /** Adds {@code data[start, start + len)} in random batches, as a partition's forwards would. */
  private static OnePassHistogram feed(OnePassHistogram h, float[] data, int start, int len,
      Random r) {
    TensorStats running = new TensorStats();
    int end = start + len;
    while (start < end) {
      int batch = Math.min(end - start, 1 + r.nextInt(500));
      running.update(data, start, batch);
      if (!running.hasNoFinite()) {
        h.update(data, start, batch, running.min(), running.max());
      }
      start += batch;
    }
    return h;
  }

  private static OnePassHistogram add(OnePassHistogram h, float... values) {
    float lo = 0;
    float hi = 0;
    for (float v : values) {
      if (Float.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    return h.update(values, 0, values.length, lo, hi);
  }

  /**
   * Activation-like values on a random scale: Gaussian, some Relu-clipped, rare outliers, exact
   * zeros, the odd NaN; the scale moves across many powers of two.
   */
  private static float[] activations(Random r, int count) {
    double scale = Math.pow(2, -20 + 40 * r.nextDouble());
    boolean relu = r.nextBoolean();
    float[] a = new float[count];
    for (int i = 0; i < count; i++) {
      double x = r.nextGaussian() * scale;
      if (r.nextInt(1000) == 0) {
        x *= 50;
      }
      if (relu && x < 0) {
        x = 0;
      }
      a[i] = r.nextInt(5000) == 0 ? Float.NaN : (float) x;
    }
    return a;
  }
}
