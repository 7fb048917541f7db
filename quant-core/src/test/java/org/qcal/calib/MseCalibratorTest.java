package org.qcal.calib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.qcal.quant.QuantRule;
import org.qcal.quant.QuantType;
import org.qcal.stats.Histogram;
import org.qcal.stats.HistogramGrid;
import org.qcal.stats.TensorStats;

class MseCalibratorTest {
  private static final CalibrationOptions INT8_SYM =
      CalibrationOptions.defaults().withRule(QuantRule.SYMMETRIC).withType(QuantType.INT8);
  /** Laplace(0, b = 1) on [-16, 16]: w = 1/128, 2048 bins per side. */
  private static final double W = 1.0 / 128;
  private static final int SIDE = 2048;

  /** Expected counts of 10^9 Laplace values: n/2 (e^-a - e^-(a + w)) for the bin [a, a + w). */
  private static Histogram laplace() {
    long[] c = new long[2 * SIDE];
    for (int m = 0; m < SIDE; m++) {
      long k = Math.round(0.5e9 * (Math.exp(-m * W) - Math.exp(-(m + 1) * W)));
      c[SIDE + m] = k;
      c[SIDE - 1 - m] = k;
    }
    return Histogram.of(HistogramGrid.ofWidth((float) W, SIDE, SIDE), c);
  }

  private static final TensorStats LAPLACE_STATS = new TensorStats().update(new float[] {-16f,
      16f});

  @Test
  void laplacianLandsBetweenThePercentileAndAbsmax() {
    Histogram h = laplace();
    Range mse = CalibrationMethod.MSE.create(INT8_SYM).calibrate(LAPLACE_STATS, h);
    Range pct = CalibrationMethod.PERCENTILE.create(INT8_SYM.withPercentile(99.99))
        .calibrate(LAPLACE_STATS, h);
    // 99.99th percentile of |x| ~ Exp(1): -ln(1e-4) = 9.21. The MSE-optimal 8-bit clip of a
    // Laplace(b) is 9.89 b (Banner et al., "Post training 4-bit quantization...", 2019, ACIQ).
    assertEquals(9.21, pct.max(), 0.01);
    assertTrue(pct.max() < mse.max() && mse.max() < 16f, mse + " vs " + pct);
    assertEquals(9.89, mse.max(), 0.15);
    assertEquals(-mse.max(), mse.min());
    // A candidate is a bin edge: a whole number of bins.
    assertEquals(0.0, mse.max() * 128 % 1.0);
  }

  @Test
  void fewerLevelsClipHarder() {
    // ACIQ's 4-bit optimum for Laplace(b) is 5.03 b; int4 symmetric has 15 levels (-7..7).
    Range int4 = CalibrationMethod.MSE.create(INT8_SYM.withType(QuantType.INT4))
        .calibrate(LAPLACE_STATS, laplace());
    assertTrue(int4.max() > 4 && int4.max() < 6, int4.toString());
  }

  @Test
  void uniformDataIsNotClipped() {
    // A uniform histogram gains nothing from clipping: the best range is the data's.
    long[] c = new long[256];
    Arrays.fill(c, 1000);
    Histogram h = Histogram.of(HistogramGrid.ofWidth(1f / 64, 0, 256), c);
    TensorStats s = new TensorStats().update(new float[] {0f, 4f});
    Range r = CalibrationMethod.MSE.create(INT8_SYM).calibrate(s, h);
    assertTrue(r.max() > 3.9f && r.max() <= 4f, r.toString());
  }

  @Test
  void asymmetricSearchKeepsLowerEndAtZeroForPositiveData() {
    // One-sided Laplace (ReLU-like): |x| histogram as positive data; uint8 asymmetric.
    Histogram full = laplace();
    long[] pos = Arrays.copyOfRange(full.counts(), SIDE, 2 * SIDE);
    Histogram h = Histogram.of(HistogramGrid.ofWidth((float) W, 0, SIDE), pos);
    TensorStats s = new TensorStats().update(new float[] {0f, 16f});
    Range r = CalibrationMethod.MSE.create().calibrate(s, h);
    assertEquals(0f, r.min());
    // 255 levels over [0, t] give the same step as 8-bit symmetric over [-t, t]: near 9.89.
    assertTrue(r.max() > 9 && r.max() < 11, r.toString());
  }

  @Test
  void asymmetricSearchMovesBothEnds() {
    Range r = CalibrationMethod.MSE.create().calibrate(LAPLACE_STATS, laplace());
    assertTrue(r.min() > -12 && r.min() < -8, r.toString());
    assertTrue(r.max() > 8 && r.max() < 12, r.toString());
  }

  @Test
  void degenerateGridFallsBackToMinMax() {
    TensorStats zeros = new TensorStats().update(new float[] {0f});
    Histogram h = new Histogram(HistogramGrid.of(zeros, 2048)).update(new float[] {0f});
    assertEquals(Range.of(0f, 0f), CalibrationMethod.MSE.create(INT8_SYM).calibrate(zeros, h));
  }
}
