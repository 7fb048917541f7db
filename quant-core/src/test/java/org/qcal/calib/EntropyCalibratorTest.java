package org.qcal.calib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.qcal.QcalException;
import org.qcal.quant.QuantRule;
import org.qcal.stats.Histogram;
import org.qcal.stats.HistogramGrid;
import org.qcal.stats.TensorStats;

class EntropyCalibratorTest {
  private static final CalibrationOptions SYM =
      CalibrationOptions.defaults().withRule(QuantRule.SYMMETRIC);

  @Test
  void gaussianWithFarOutliersLandsNearTheBulk() {
    // 10^6 standard normal values and six outliers at 38..50 sigma: absmax 50, w = 50 / 2048.
    // Clipping the outliers costs 6e-6 of the mass in the last reference bin, while keeping
    // them would spread 128 levels over 50 sigma, about 2.6 levels per sigma of the bulk.
    Random r = new Random(42);
    float[] a = new float[1_000_006];
    for (int i = 0; i < 1_000_000; i++) {
      a[i] = (float) r.nextGaussian();
    }
    float[] outliers = {40f, -40f, 45f, 50f, -50f, 38f};
    System.arraycopy(outliers, 0, a, 1_000_000, outliers.length);
    TensorStats s = new TensorStats().update(a);
    Histogram h = new Histogram(HistogramGrid.of(s, 2048)).update(a);
    Range sym = CalibrationMethod.ENTROPY.create(SYM).calibrate(s, h);
    assertTrue(sym.max() > 3 && sym.max() < 6, sym.toString());
    assertEquals(-sym.max(), sym.min());
    // Candidates are bin edges: the threshold is a whole number of bins.
    double bins = sym.max() / h.grid().width();
    assertEquals(Math.rint(bins), bins, 1e-3);
    Range asym = CalibrationMethod.ENTROPY.create().calibrate(s, h);
    assertEquals(sym, asym); // both data sides reach past the threshold
  }

  @Test
  void tinyHistogramPicksTheCandidateOfLeastDivergence() {
    // Two levels, |x| bins [3, 1, 0, 0, 0, 0, 0, 1] of width 1, candidates i = 2..8:
    // i = 2: P = [3, 1 + 1], Q = [3, 1] (outliers excluded) -> p = [.6, .4], q = [.75, .25],
    //        KL = .6 ln(.8) + .4 ln(1.6) = 0.0541.
    // i = 3..7: P[i-1] holds the outlier where Q is empty -> KL about .2 ln(.2 / 1e-5) > 1.
    // i = 8: levels {0..3}, {4..7}: Q = [2, 2, 0, 0, 0, 0, 0, 1] vs P = bins ->
    //        KL = .6 ln(1.5) + .2 ln(.5) = 0.1046.
    // i = 2 wins: the threshold is the edge 2 * w = 2.
    long[] bins = {3, 1, 0, 0, 0, 0, 0, 1};
    assertEquals(2, EntropyCalibrator.bestCandidate(bins, 2));
    // calibrate() first replaces bin[0] by bin[1] (the zero spike): [1, 1, 0, 0, 0, 0, 0, 1].
    // Now i = 8 gives Q = [1, 1, 0, 0, 0, 0, 0, 1] = P, KL = 0, and i = 2 gives
    // P = [1, 2], Q = [1, 1], KL = 1/3 ln(2/3) + 2/3 ln(4/3) = 0.0566: i = 8 wins, t = 8 w,
    // clipped to the data's absmax 7.5.
    Histogram h = Histogram.of(HistogramGrid.ofWidth(1f, 0, 8), bins);
    TensorStats s = new TensorStats().update(new float[] {0.5f, 7.5f});
    Calibrator entropy = CalibrationMethod.ENTROPY.create(SYM.withEntropyLevels(2));
    assertEquals(Range.of(-7.5f, 7.5f), entropy.calibrate(s, h));
    assertEquals(8, EntropyCalibrator.bestCandidate(new long[] {1, 1, 0, 0, 0, 0, 0, 1}, 2));
    double[] p = new double[8];
    double[] q = new double[8];
    assertEquals(0.6 * Math.log(0.8) + 0.4 * Math.log(1.6),
        EntropyCalibrator.divergence(bins, 2, 2, p, q), 1e-12);
    assertEquals(0.6 * Math.log(1.5) + 0.2 * Math.log(0.5),
        EntropyCalibrator.divergence(bins, 8, 2, p, q), 1e-3); // smoothing shifts it by ~1e-4
  }

  @Test
  void equalDivergencesPickTheLastCandidate() {
    // Ten equal bins then zeros: every candidate's Q equals P (averaging equal bins changes
    // nothing), KL = 0 throughout, and the last candidate i = 256 wins: t = 256 w, clipped to
    // the data's absmax 9.5.
    long[] bins = new long[256];
    Arrays.fill(bins, 0, 10, 7);
    assertEquals(256, EntropyCalibrator.bestCandidate(bins, 128));
    Histogram h = Histogram.of(HistogramGrid.ofWidth(1f, 0, 256), bins);
    TensorStats s = new TensorStats().update(new float[] {0f, 9.5f});
    assertEquals(Range.of(-9.5f, 9.5f), CalibrationMethod.ENTROPY.create(SYM).calibrate(s, h));
  }

  @Test
  void asymmetricRangeIsTheThresholdIntersectedWithTheData() {
    // |x| bins [1, 1, 2, 0, 0, 0, 0, 1] (bin[0] = bin[1] already, so the zero-spike replacement
    // changes nothing); uint8 asymmetric on non-negative data requantizes to 2 L = 4 levels:
    // i = 4: P = [1, 1, 2, 0 + 1], Q = [1, 1, 2, 0] -> q has a zero where p has 1: smoothed,
    //        KL about 0.2 ln(0.2 / 2e-5) > 1;
    // i = 5..7 likewise hold the outlier where Q is empty;
    // i = 8: levels {0,1}, {2,3}, {4,5}, {6,7}: Q = [1, 1, 2, 0, 0, 0, 0, 1] = P, KL = 0.
    // i = 8 wins: t = 8, so the symmetric [-8, 8] meets the data [0, 7.5] in [0, 7.5].
    long[] bins = {1, 1, 2, 0, 0, 0, 0, 1};
    Histogram h = Histogram.of(HistogramGrid.ofWidth(1f, 0, 8), bins);
    TensorStats s = new TensorStats().update(new float[] {0.5f, 7.5f});
    Calibrator entropy = CalibrationMethod.ENTROPY.create(
        CalibrationOptions.defaults().withEntropyLevels(2));
    assertEquals(Range.of(0f, 7.5f), entropy.calibrate(s, h));
    assertEquals(8, EntropyCalibrator.bestCandidate(bins, 4));
  }

  @Test
  void rejectsHistogramWithFewerBinsThanLevels() {
    Histogram h = Histogram.of(HistogramGrid.ofWidth(1f, 100, 100), new long[200]);
    h.merge(Histogram.of(h.grid(), onesAt(200, 0, 199)));
    TensorStats s = new TensorStats().update(new float[] {-100f, 100f});
    QcalException e = assertThrows(QcalException.class,
        () -> CalibrationMethod.ENTROPY.create(SYM).calibrate(s, h));
    assertEquals("entropy calibration needs at least 128 bins on |x| (the target levels), got "
        + "100 on HistogramGrid{w=1.0, negBins=100, posBins=100}", e.getMessage());
  }

  @Test
  void degenerateGridFallsBackToMinMax() {
    TensorStats zeros = new TensorStats().update(new float[] {0f});
    Histogram h = new Histogram(HistogramGrid.of(zeros, 2048)).update(new float[] {0f});
    assertEquals(Range.of(0f, 0f), CalibrationMethod.ENTROPY.create(SYM).calibrate(zeros, h));
  }

  private static long[] onesAt(int n, int... at) {
    long[] c = new long[n];
    for (int i : at) {
      c[i] = 1;
    }
    return c;
  }
}
