package org.qcal.calib;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.qcal.quant.QuantRule;
import org.qcal.quant.QuantType;
import org.qcal.stats.Histogram;
import org.qcal.stats.HistogramGrid;
import org.qcal.stats.TensorStats;

/**
 * The mse search skips candidates whose clipped tails alone score worse than the best so far;
 * that must never change its result. Each case compares the pruned search with the one that
 * scores every candidate, over data shaped like real activations.
 */
class MsePruningTest {
  private static final QuantRule[] RULES = {QuantRule.ASYMMETRIC, QuantRule.SYMMETRIC,
      QuantRule.of(true, true)};

  @Test
  void skippingCandidatesNeverChangesTheRange() {
    Random r = new Random(20261130);
    int cases = 0;
    for (int shape = 0; shape < 6; shape++) {
      for (int round = 0; round < 6; round++) {
        float[] x = sample(shape, r, 2000 + r.nextInt(40000));
        for (QuantType type : new QuantType[] {QuantType.UINT8, QuantType.INT8, QuantType.INT4}) {
          for (QuantRule rule : RULES) {
            CalibrationOptions o = CalibrationOptions.defaults().withType(type).withRule(rule);
            int bins = 64 << r.nextInt(6);
            TensorStats stats = new TensorStats().update(x);
            Histogram h = new Histogram(HistogramGrid.of(stats, bins)).update(x);
            Range pruned = new MseCalibrator(o).calibrate(stats, h);
            Range every = MseCalibrator.exhaustive(o).calibrate(stats, h);
            assertEquals(every, pruned, "shape " + shape + ", " + type + " " + rule + ", "
                + bins + " bins");
            cases++;
          }
        }
      }
    }
    assertEquals(6 * 6 * 3 * RULES.length, cases);
  }

  /** Gaussian, Laplace, Relu of a Gaussian, a bimodal mix, outliers, and a few discrete values. */
  private static float[] sample(int shape, Random r, int n) {
    DoubleSupplier g = r::nextGaussian;
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      double v = switch (shape) {
        case 0 -> g.getAsDouble();
        case 1 -> (r.nextBoolean() ? 1 : -1) * -Math.log(1 - r.nextDouble());
        case 2 -> Math.max(0, g.getAsDouble() * 3 + 0.5);
        case 3 -> r.nextBoolean() ? g.getAsDouble() * 0.2 - 2 : g.getAsDouble() * 0.5 + 3;
        case 4 -> r.nextInt(500) == 0 ? g.getAsDouble() * 40 : g.getAsDouble();
        default -> r.nextInt(7) - 2;
      };
      x[i] = (float) v;
    }
    return x;
  }
}
