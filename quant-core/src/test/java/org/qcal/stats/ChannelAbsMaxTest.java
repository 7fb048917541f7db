package org.qcal.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.qcal.QcalException;

class ChannelAbsMaxTest {
  /** Four rows of three channels; channel 2 holds a NaN and an infinity. */
  private static final float[] ROWS = {
      1, -5, 0.5f,
      -2, 3, Float.NaN,
      0.5f, 4, -0.25f,
      -3, 1, Float.NEGATIVE_INFINITY};

  @Test
  void keepsEachChannelsLargestFiniteMagnitude() {
    ChannelAbsMax s = new ChannelAbsMax(3).update(ROWS, 0, ROWS.length);
    assertArrayEquals(new float[] {3, 5, 0.5f}, s.max(), 0f);
    assertEquals(2, s.nonFiniteCount());
  }

  @Test
  void mergeOfSplitsEqualsSinglePass() {
    ChannelAbsMax whole = new ChannelAbsMax(3).update(ROWS, 0, ROWS.length);
    ChannelAbsMax second = new ChannelAbsMax(3).update(ROWS, 6, 6);
    ChannelAbsMax merged = new ChannelAbsMax(3).update(ROWS, 0, 6).merge(second);
    assertArrayEquals(whole.toByteArray(), merged.toByteArray());
    ChannelAbsMax reversed = second.merge(new ChannelAbsMax(3).update(ROWS, 0, 6));
    assertArrayEquals(whole.toByteArray(), reversed.toByteArray());
  }

  @Test
  void bytesRoundTrip() {
    ChannelAbsMax s = new ChannelAbsMax(3).update(ROWS, 0, ROWS.length);
    ChannelAbsMax back = ChannelAbsMax.fromByteArray(s.toByteArray());
    assertArrayEquals(s.max(), back.max(), 0f);
    assertEquals(2, back.nonFiniteCount());
  }

  @Test
  void rejectsPartialRowsAndOtherWidths() {
    assertThrows(QcalException.class, () -> new ChannelAbsMax(3).update(ROWS, 0, 4));
    assertThrows(QcalException.class, () -> new ChannelAbsMax(3).merge(new ChannelAbsMax(2)));
    assertThrows(QcalException.class, () -> ChannelAbsMax.fromByteArray(new byte[5]));
  }
}
