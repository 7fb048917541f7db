package org.qcal.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.qcal.QcalException;

class HistogramGridTest {

  @Test
  void absmaxSideGetsNBinsAndTheOtherSideCeil() {
    // [-1, 3], N = 4: w = 3 / 4 = 0.75, negBins = ceil(1 / 0.75) = 2, posBins = ceil(3 / 0.75) = 4.
    HistogramGrid g = HistogramGrid.of(-1f, 3f, 4);
    assertEquals(0.75f, g.width());
    assertEquals(2, g.negBins());
    assertEquals(4, g.posBins());
    assertEquals(6, g.totalBins());
    assertEquals(4, g.foldedBins());
    assertFalse(g.isDegenerate());
  }

  @Test
  void zeroIsAlwaysAnEdge() {
    HistogramGrid g = HistogramGrid.of(-1f, 3f, 4);
    assertEquals(0.0, g.lowerEdge(g.negBins()));
    assertEquals(-1.5, g.lowerEdge(0));
    assertEquals(3.0, g.lowerEdge(g.totalBins()));
    assertEquals(0.375, g.centre(2));
  }

  @Test
  void positiveOnlyRangeHasNoNegativeBins() {
    // [2, 5] widens to [0, 5]: w = 5 / 2048, 2048 positive bins.
    HistogramGrid g = HistogramGrid.of(2f, 5f, 2048);
    assertEquals((float) (5.0 / 2048), g.width());
    assertEquals(0, g.negBins());
    assertEquals(2048, g.posBins());
  }

  @Test
  void negativeOnlyRangeHasNoPositiveBins() {
    HistogramGrid g = HistogramGrid.of(-8f, -2f, 16);
    assertEquals(0.5f, g.width());
    assertEquals(16, g.negBins());
    assertEquals(0, g.posBins());
  }

  @Test
  void allZeroRangeGivesOneBinOfMinimalNormalWidth() {
    HistogramGrid g = HistogramGrid.of(0f, 0f, 2048);
    assertEquals(Float.MIN_NORMAL, g.width());
    assertEquals(0, g.negBins());
    assertEquals(1, g.posBins());
    assertTrue(g.isDegenerate());
    assertEquals(g, HistogramGrid.of(-0.0f, -0.0f, 2048));
    assertEquals(g, HistogramGrid.of(new TensorStats(), 2048));
  }

  @Test
  void tinyRangeGetsFewerBinsOfMinimalNormalWidth() {
    // absmax 4 * 2^-126 with N = 2048: w would be subnormal; it stays 2^-126, so 4 bins.
    HistogramGrid g = HistogramGrid.of(0f, 4 * Float.MIN_NORMAL, 2048);
    assertEquals(Float.MIN_NORMAL, g.width());
    assertEquals(4, g.posBins());
    assertTrue(Float.isFinite(g.invWidth()));
  }

  @Test
  void gridFromStatsUsesTheFiniteRange() {
    TensorStats s = new TensorStats().update(new float[] {-2f, 1f, Float.NaN,
        Float.POSITIVE_INFINITY});
    assertEquals(HistogramGrid.of(-2f, 1f, 8), HistogramGrid.of(s, 8));
  }

  @Test
  void equalGridsAreEqualValues() {
    assertEquals(HistogramGrid.of(-1f, 3f, 4), HistogramGrid.of(-1f, 3f, 4));
    assertEquals(HistogramGrid.of(-1f, 3f, 4).hashCode(), HistogramGrid.of(-1f, 3f, 4).hashCode());
    assertEquals(HistogramGrid.of(-1f, 3f, 4), HistogramGrid.ofWidth(0.75f, 2, 4));
    assertNotEquals(HistogramGrid.of(-1f, 3f, 4), HistogramGrid.of(-1f, 3f, 8));
    assertEquals("HistogramGrid{w=0.75, negBins=2, posBins=4}",
        HistogramGrid.of(-1f, 3f, 4).toString());
  }

  @Test
  void foldedGridKeepsWidthAndDropsNegativeSide() {
    HistogramGrid f = HistogramGrid.of(-1f, 3f, 4).folded();
    assertEquals(HistogramGrid.ofWidth(0.75f, 0, 4), f);
  }

  @Test
  void rejectsBinsBelowOne() {
    QcalException e = assertThrows(QcalException.class, () -> HistogramGrid.of(0f, 1f, 0));
    assertEquals("bins per side must be in [1, 16777216], got 0", e.getMessage());
    assertThrows(QcalException.class, () -> HistogramGrid.of(0f, 1f, -3));
  }

  @Test
  void rejectsReversedOrNonFiniteRange() {
    QcalException e = assertThrows(QcalException.class, () -> HistogramGrid.of(2f, 1f, 4));
    assertEquals("grid range must be min <= max, got [2.0, 1.0]", e.getMessage());
    assertThrows(QcalException.class, () -> HistogramGrid.of(Float.NaN, 1f, 4));
  }

  @Test
  void rejectsBadDirectGrids() {
    QcalException e = assertThrows(QcalException.class,
        () -> HistogramGrid.ofWidth(0f, 1, 1));
    assertTrue(e.getMessage().endsWith("got 0.0"), e.getMessage());
    assertThrows(QcalException.class, () -> HistogramGrid.ofWidth(1f, 0, 0));
    assertThrows(QcalException.class, () -> HistogramGrid.ofWidth(1f, -1, 2));
  }
}
