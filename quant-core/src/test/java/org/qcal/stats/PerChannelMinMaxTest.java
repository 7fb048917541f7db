package org.qcal.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.qcal.QcalException;

class PerChannelMinMaxTest {
  /** Shape [2, 3, 2], row major: element (i, j, k) at 6 i + 2 j + k holds (6 i + 2 j + k) - 5. */
  private static float[] data() {
    float[] a = new float[12];
    for (int i = 0; i < 12; i++) {
      a[i] = i - 5;
    }
    return a;
  }

  @Test
  void axisZeroTakesEachOuterBlock() {
    PerChannelMinMax r = PerChannelMinMax.of(data(), new long[] {2, 3, 2}, 0);
    // Channel 0: elements 0..5 -> -5..0; channel 1: 6..11 -> 1..6.
    assertArrayEquals(new float[] {-5, 1}, r.mins());
    assertArrayEquals(new float[] {0, 6}, r.maxs());
  }

  @Test
  void middleAxisGathersStridedSlices() {
    PerChannelMinMax r = PerChannelMinMax.of(data(), new long[] {2, 3, 2}, 1);
    // Channel j holds elements {2j, 2j+1, 6+2j, 7+2j}: j=0 -> -5,-4,1,2; j=1 -> -3,-2,3,4; ...
    assertArrayEquals(new float[] {-5, -3, -1}, r.mins());
    assertArrayEquals(new float[] {2, 4, 6}, r.maxs());
  }

  @Test
  void lastAxisAndNegativeAxisAgree() {
    PerChannelMinMax last = PerChannelMinMax.of(data(), new long[] {2, 3, 2}, 2);
    PerChannelMinMax neg = PerChannelMinMax.of(data(), new long[] {2, 3, 2}, -1);
    // Channel k holds the elements of parity k: even -5..5 step 2 -> [-5, 5]; odd [-4, 6].
    assertArrayEquals(new float[] {-5, -4}, last.mins());
    assertArrayEquals(new float[] {5, 6}, last.maxs());
    assertArrayEquals(last.mins(), neg.mins());
    assertArrayEquals(last.maxs(), neg.maxs());
  }

  @Test
  void longRowsUseTheKernelWithTheSameResult() {
    // Shape [2, 40]: rows of 40 elements go through the kernel scan.
    float[] a = new float[80];
    for (int i = 0; i < 80; i++) {
      a[i] = (i % 40) * (i < 40 ? 1 : -1);
    }
    PerChannelMinMax r = PerChannelMinMax.of(a, new long[] {2, 40}, 0);
    assertArrayEquals(new float[] {0, -39}, r.mins());
    assertArrayEquals(new float[] {39, 0}, r.maxs());
  }

  @Test
  void nonFiniteValuesAreCountedAndSkipped() {
    float[] a = {1, Float.NaN, Float.POSITIVE_INFINITY, Float.NaN, -2, 3};
    PerChannelMinMax r = PerChannelMinMax.of(a, new long[] {3, 2}, 0);
    // Rows [1, NaN], [Inf, NaN] (no finite value -> [0, 0]), [-2, 3].
    assertArrayEquals(new float[] {1, 0, -2}, r.mins());
    assertArrayEquals(new float[] {1, 0, 3}, r.maxs());
    assertEquals(3, r.nonFiniteCount());
  }

  @Test
  void rejectsShapeThatDoesNotMatchTheLength() {
    QcalException e = assertThrows(QcalException.class,
        () -> PerChannelMinMax.of(new float[11], new long[] {2, 3, 2}, 0));
    assertEquals("data length must be 12 for shape [2, 3, 2], got 11", e.getMessage());
  }

  @Test
  void rejectsAxisOutOfRangeAndBadShapes() {
    QcalException e = assertThrows(QcalException.class,
        () -> PerChannelMinMax.of(new float[12], new long[] {2, 3, 2}, 3));
    assertEquals("axis must be in [-3, 2] for shape [2, 3, 2], got 3", e.getMessage());
    assertThrows(QcalException.class,
        () -> PerChannelMinMax.of(new float[12], new long[] {2, 3, 2}, -4));
    assertThrows(QcalException.class,
        () -> PerChannelMinMax.of(new float[0], new long[] {}, 0));
    assertThrows(QcalException.class,
        () -> PerChannelMinMax.of(new float[2], new long[] {-1, -2}, 0));
    assertThrows(QcalException.class,
        () -> PerChannelMinMax.of(null, new long[] {1}, 0));
  }
}
