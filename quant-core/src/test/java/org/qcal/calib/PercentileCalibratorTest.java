package org.qcal.calib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.qcal.QcalException;
import org.qcal.quant.QuantRule;
import org.qcal.stats.Histogram;
import org.qcal.stats.HistogramGrid;
import org.qcal.stats.TensorStats;

class PercentileCalibratorTest {
  /** 1000 bins of width 1 over [-500, 500), 20 values each: a uniform histogram of 20000. */
  private static final Histogram UNIFORM = uniform();
  private static final TensorStats UNIFORM_STATS =
      new TensorStats().update(new float[] {-499.5f, 499.75f});

  private static Histogram uniform() {
    long[] counts = new long[1000];
    Arrays.fill(counts, 20);
    return Histogram.of(HistogramGrid.ofWidth(1f, 500, 500), counts);
  }

  private static Calibrator percentile(double p, boolean symmetric) {
    return CalibrationMethod.PERCENTILE.create(CalibrationOptions.defaults().withPercentile(p)
        .withRule(QuantRule.of(symmetric, false)));
  }

  @Test
  void symmetricPercentileOfUniformIsExact() {
    // |x| histogram: 500 bins of 40. 99% of 20000 = 19800 = 40 * 495: the top of bin 494.
    assertEquals(Range.of(-495f, 495f), percentile(99, true).calibrate(UNIFORM_STATS, UNIFORM));
  }

  @Test
  void symmetricPercentileInterpolatesInsideTheBin() {
    // 99.5% of 20000 = 19900: bin 497 holds cumulative counts 19880..19920, so the value lies
    // halfway through it: 497 + 20 / 40 = 497.5.
    assertEquals(Range.of(-497.5f, 497.5f),
        percentile(99.5, true).calibrate(UNIFORM_STATS, UNIFORM));
  }

  @Test
  void asymmetricPercentileCutsHalfTheRestFromEachTail() {
    // p = 98: 1% per tail. Lower: 200 of 20000 = the top of bin 9 = -500 + 10 = -490.
    // Upper: 19800 = the top of bin 989 = -500 + 990 = 490.
    assertEquals(Range.of(-490f, 490f), percentile(98, false).calibrate(UNIFORM_STATS, UNIFORM));
  }

  @Test
  void hundredPercentGivesTheDataRange() {
    assertEquals(Range.of(-499.5f, 499.75f),
        percentile(100, false).calibrate(UNIFORM_STATS, UNIFORM));
    assertEquals(Range.of(-499.75f, 499.75f),
        percentile(100, true).calibrate(UNIFORM_STATS, UNIFORM));
  }

  @Test
  void resultIsClippedToTheData() {
    // All 100 values in bin [3, 4) of a grid reaching 8, data max 3.2: the 99.999th
    // percentile interpolates to 3.99999 inside the bin, past the data; it is clipped to 3.2.
    long[] counts = new long[8];
    counts[3] = 100;
    Histogram h = Histogram.of(HistogramGrid.ofWidth(1f, 0, 8), counts);
    TensorStats s = new TensorStats().update(new float[] {3.1f, 3.2f});
    assertEquals(Range.of(-3.2f, 3.2f), percentile(99.999, true).calibrate(s, h));
    assertEquals(Range.of(3.1f, 3.2f), percentile(99.999, false).calibrate(s, h));
  }

  @Test
  void degenerateGridFallsBackToMinMax() {
    TensorStats zeros = new TensorStats().update(new float[] {0f, 0f});
    Histogram h = new Histogram(HistogramGrid.of(zeros, 2048)).update(new float[] {0f, 0f});
    assertEquals(Range.of(0f, 0f), percentile(99.9, false).calibrate(zeros, h));
  }

  @Test
  void tensorWithoutFiniteValuesGetsZeroRangeWithoutHistogram() {
    assertEquals(Range.ZERO, percentile(99, true).calibrate(new TensorStats(), null));
  }

  @Test
  void rejectsMissingOrEmptyHistogram() {
    QcalException e = assertThrows(QcalException.class,
        () -> percentile(99, true).calibrate(UNIFORM_STATS, null));
    assertEquals("percentile histogram must not be null", e.getMessage());
    Histogram empty = new Histogram(HistogramGrid.of(UNIFORM_STATS, 16));
    e = assertThrows(QcalException.class,
        () -> percentile(99, true).calibrate(UNIFORM_STATS, empty));
    assertEquals("percentile histogram must hold the tensor's finite values, got an empty "
        + "histogram for 2 finite values", e.getMessage());
  }
}
