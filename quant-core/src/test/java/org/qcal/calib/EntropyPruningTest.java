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
    long[] suffix = new long[bins.length + 1];
    for (int j = bins.length - 1; j >= 0; j--) {
      suffix[j] = suffix[j + 1] + bins[j];
    }
    double[] p = new double[bins.length];
    double[] q = new double[bins.length];
    double bestKl = Double.POSITIVE_INFINITY;
    int best = bins.length;
    for (int i = levels; i <= bins.length; i++) {
      double kl = EntropyCalibrator.divergence(bins, suffix[i], i, levels, p, q);
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
    long[] suffix = new long[bins.length + 1];
    for (int j = bins.length - 1; j >= 0; j--) {
      suffix[j] = suffix[j + 1] + bins[j];
    }
    LevelDivergenceBound bound = new LevelDivergenceBound(bins, 128);
    double[] p = new double[bins.length];
    double[] q = new double[bins.length];
    int skippable = 0;
    for (int i = 128; i <= bins.length; i++) {
      double kl = EntropyCalibrator.divergence(bins, suffix[i], i, 128, p, q);
      // A best a hair above this candidate's score: the bound must not call it beaten.
      assertFalse(bound.surelyNotBelow(i, suffix[i], kl + 1e-9 * Math.max(kl, 1e-6)),
          "candidate " + i);
      skippable += bound.surelyNotBelow(i, suffix[i], kl / 2) ? 1 : 0;
    }
    // And it is not vacuous: against half its own score, heavily clipping candidates are
    // recognised by the level masses alone.
    assertTrue(skippable > 0, "the bound never decided anything");
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
