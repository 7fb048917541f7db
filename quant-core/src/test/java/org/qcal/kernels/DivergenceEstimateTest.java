package org.qcal.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link TensorKernels#divergenceEstimate}: both implementations within the stated error of the
 * in-order {@code StrictMath} sum the entropy search scores exactly with, on smoothed
 * histogram-like distributions (counts from 0 to millions, zeros smoothed to 10^-4).
 */
class DivergenceEstimateTest {

  @Test
  void bothImplementationsAreWithinTheStatedErrorOfTheExactSum() {
    Random r = new Random(29);
    TensorKernels[] impls = {new ScalarKernels(), new VectorKernels()};
    for (int round = 0; round < 200; round++) {
      int n = 1 + r.nextInt(5000);
      double[] p = new double[n];
      double[] q = new double[n];
      for (int j = 0; j < n; j++) {
        p[j] = r.nextInt(4) == 0 ? 1e-4 : Math.floor(Math.exp(r.nextDouble() * 15));
        q[j] = r.nextInt(4) == 0 ? 1e-4 : p[j] * (0.5 + r.nextDouble());
      }
      double exact = strictSum(p, q, n);
      for (TensorKernels k : impls) {
        assertEquals(exact, k.divergenceEstimate(p, q, n),
            TensorKernels.divergenceEstimateError(n), k.name() + ", n = " + n);
      }
    }
  }

  @Test
  void equalDistributionsDivergeByNothing() {
    double[] p = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5};
    for (TensorKernels k : new TensorKernels[] {new ScalarKernels(), new VectorKernels()}) {
      assertEquals(0, k.divergenceEstimate(p, p.clone(), p.length),
          TensorKernels.divergenceEstimateError(p.length), k.name());
    }
  }

  private static double strictSum(double[] p, double[] q, int n) {
    double sp = 0;
    double sq = 0;
    for (int j = 0; j < n; j++) {
      sp += p[j];
      sq += q[j];
    }
    double kl = 0;
    for (int j = 0; j < n; j++) {
      double pj = p[j] / sp;
      kl += pj * StrictMath.log(pj / (q[j] / sq));
    }
    return kl;
  }
}
