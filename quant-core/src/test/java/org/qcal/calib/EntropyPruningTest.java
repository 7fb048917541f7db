package org.qcal.calib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The entropy search scores candidates from the last down and skips those whose {@link
 * LevelDivergenceBound} shows they cannot win; that must pick what scoring every candidate in
 * order picks (the search as pytorch-quantization runs it, last minimum on ties), on the real
 * histograms of the entropy audit and on synthetic ones.
 */
class EntropyPruningTest {

  /** Every candidate scored, ascending, the last of equal minima: the search before the bound. */
  private static int everyCandidate(long[] bins, int levels) {
    double[] p = new double[bins.length];
    double[] q = new double[bins.length];
    double bestKl = Double.POSITIVE_INFINITY;
    int best = bins.length;
    for (int i = levels; i <= bins.length; i++) {
      double kl = EntropyCalibrator.divergence(bins, i, levels, p, q);
      if (kl <= bestKl) {
        bestKl = kl;
        best = i;
      }
    }
    return best;
  }

  @Test
  void realHistogramsPickTheSameCandidate() throws IOException {
    int checked = 0;
    for (Path f : EntropyReferenceTest.fixtures()) {
      for (int levels : new int[] {128, 256}) {
        long[] bins = EntropyReferenceTest.folded(f);
        bins[0] = bins[1]; // the zero spike, as EntropyCalibrator.search replaces it
        assertEquals(everyCandidate(bins, levels), EntropyCalibrator.bestCandidate(bins, levels),
            f + ", " + levels + " levels");
        checked++;
      }
    }
    assertTrue(checked >= 10, "checked " + checked);
  }

  @Test
  void syntheticHistogramsPickTheSameCandidate() {
    Random r = new Random(11302026);
    for (int round = 0; round < 60; round++) {
      int levels = 4 << r.nextInt(4);
      long[] bins = histogram(r, levels + r.nextInt(600), round % 4);
      assertEquals(everyCandidate(bins, levels), EntropyCalibrator.bestCandidate(bins, levels),
          "round " + round + ", " + levels + " levels, " + bins.length + " bins");
    }
  }

  @Test
  void theBoundNeverExceedsTheDivergence() throws IOException {
    long[] bins = EntropyReferenceTest.folded(EntropyReferenceTest.fixtures().get(0));
    bins[0] = bins[1];
    LevelDivergenceBound bound = new LevelDivergenceBound(new CandidateDistributions(bins, 128));
    double[] p = new double[bins.length];
    double[] q = new double[bins.length];
    int skippable = 0;
    for (int i = 128; i <= bins.length; i++) {
      double kl = EntropyCalibrator.divergence(bins, i, 128, p, q);
      // A best a hair above this candidate's score: the bound must not call it beaten.
      assertFalse(bound.surelyNotBelow(i, kl + 1e-9 * Math.max(kl, 1e-6)),
          "candidate " + i);
      skippable += bound.surelyNotBelow(i, kl / 2) ? 1 : 0;
    }
    // And it is not vacuous: against half its own score, heavily clipping candidates are
    // recognised by the level masses alone.
    assertTrue(skippable > 0, "the bound never decided anything");
  }

  @Test
  void distributionsAreBuiltBitForBitAsBinByBin() throws IOException {
    Random r = new Random(7);
    java.util.List<long[]> histograms = new java.util.ArrayList<>();
    for (Path f : EntropyReferenceTest.fixtures()) {
      long[] bins = EntropyReferenceTest.folded(f);
      bins[0] = bins[1];
      histograms.add(bins);
    }
    for (int kind = 0; kind < 4; kind++) {
      histograms.add(histogram(r, 40 + r.nextInt(300), kind));
    }
    histograms.add(new long[] {0, 0, 0, 0, 0, 0, 0, 5}); // only outliers for most candidates
    for (long[] bins : histograms) {
      for (int levels : new int[] {4, 128}) {
        if (bins.length < levels) {
          continue;
        }
        CandidateDistributions dist = new CandidateDistributions(bins, levels);
        long outliers = 0;
        for (int i = bins.length; i >= levels; i--) {
          double[] wantP = new double[i];
          double[] wantQ = new double[i];
          boolean want = binByBin(bins, outliers, i, levels, wantP, wantQ);
          double[] p = new double[i];
          double[] q = new double[i];
          assertEquals(want, dist.fill(i, p, q), "candidate " + i);
          if (want) {
            for (int j = 0; j < i; j++) {
              assertEquals(Double.doubleToRawLongBits(wantP[j]), Double.doubleToRawLongBits(p[j]),
                  "P[" + j + "] of candidate " + i);
              assertEquals(Double.doubleToRawLongBits(wantQ[j]), Double.doubleToRawLongBits(q[j]),
                  "Q[" + j + "] of candidate " + i);
            }
          }
          outliers += bins[i - 1];
        }
      }
    }
  }

  /**
   * P and Q as the algorithm states them (EntropyCalibrator's class comment), bin by bin:
   * bins [0, i) with the outliers added to the last; each level's count spread evenly over its
   * non-empty bins; then each smoothed.
   */
  private static boolean binByBin(long[] bins, long outliers, int i, int levels, double[] p,
      double[] q) {
    for (int j = 0; j < i; j++) {
      p[j] = bins[j];
    }
    p[i - 1] += outliers;
    for (int level = 0, start = 0; level < levels; level++) {
      int end = start;
      long sum = 0;
      int nonEmpty = 0;
      while (end < i && (long) end * levels / i == level) {
        sum += bins[end];
        nonEmpty += bins[end] != 0 ? 1 : 0;
        end++;
      }
      double each = nonEmpty == 0 ? 0 : (double) sum / nonEmpty;
      for (int j = start; j < end; j++) {
        q[j] = bins[j] != 0 ? each : 0;
      }
      start = end;
    }
    return smooth(p, i) && smooth(q, i);
  }

  private static boolean smooth(double[] d, int n) {
    int zeros = 0;
    double minNonZero = Double.POSITIVE_INFINITY;
    for (int j = 0; j < n; j++) {
      if (d[j] == 0) {
        zeros++;
      } else {
        minNonZero = Math.min(minNonZero, d[j]);
      }
    }
    int nonZeros = n - zeros;
    double eps = CalibrationDefaults.ENTROPY_SMOOTHING;
    double take = eps * zeros / nonZeros;
    if (nonZeros == 0 || !(take < minNonZero)) {
      return false;
    }
    for (int j = 0; j < n; j++) {
      d[j] = d[j] == 0 ? eps : d[j] - take;
    }
    return true;
  }

  /** Gaussian-like, Relu-like (a spike then a decaying tail), sparse, or a long thin tail. */
  private static long[] histogram(Random r, int n, int kind) {
    long[] bins = new long[n];
    for (int j = 0; j < n; j++) {
      double x = (double) j / n;
      bins[j] = switch (kind) {
        case 0 -> Math.round(1e5 * Math.exp(-x * x * 8) * (0.8 + 0.4 * r.nextDouble()));
        case 1 -> Math.round(1e5 * Math.exp(-x * 12) * r.nextDouble());
        case 2 -> r.nextInt(4) == 0 ? r.nextInt(50) : 0;
        default -> j < n / 4 ? 1000 + r.nextInt(100) : (r.nextInt(20) == 0 ? 1 : 0);
      };
    }
    bins[0] = bins.length > 1 ? bins[1] : bins[0];
    return bins;
  }
}
