package org.qcal.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.qcal.calib.CalibrationMethod;
import org.qcal.calib.Range;
import org.qcal.jobs.api.CalibrationResult;
import org.qcal.jobs.api.TensorCalibration;
import org.qcal.stats.HistogramGrid;

/**
 * The one pass against the two-pass reference (docs/DESIGN.md, "One pass"), on the same rows of
 * the shipped models: the same statistics, so identical minmax ranges; histograms of the same
 * values on two grids, so percentile thresholds within the two bin widths (each lies in the grid
 * bin holding the quantile's value, interpolated inside it); and at least the requested bins on
 * the absmax side. Entropy and mse have no such bound (their searches move with the grid): their
 * distances and what they cost in output SQNR are measured in docs/BENCHMARKS.md.
 */
class OnePassVsTwoPassTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = JobsTestSpark.start("OnePassVsTwoPassTest", 1);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static CalibrationResult calibrate(String model, int passes) {
    return TestRuns.calibrate(TestPaths.model(model), TestPaths.slice(),
        List.of("minmax", "percentile"), "minmax", 64).passes(passes).limit(1000).run(spark)
        .calibration();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"cnn.onnx", "residual.onnx", "mlp.onnx"})
  void onePassRangesMatchTheTwoPassReference(String model) {
    CalibrationResult one = calibrate(model, 1);
    CalibrationResult two = calibrate(model, 2);
    assertEquals(2, two.passes().size());
    assertEquals(1, one.passes().size());
    assertEquals(two.tensors().size(), one.tensors().size());
    for (int i = 0; i < one.tensors().size(); i++) {
      TensorCalibration a = one.tensors().get(i);
      TensorCalibration b = two.tensors().get(i);
      String what = model + " " + a.name();
      assertEquals(b.stats(), a.stats(), what + ": the same statistics");
      assertEquals(b.ranges().get(CalibrationMethod.MINMAX), a.ranges().get(CalibrationMethod.MINMAX),
          what);
      assertEquals(b.histogram().total(), a.histogram().total(), what + ": the same values");

      HistogramGrid g1 = a.histogram().grid();
      HistogramGrid g2 = b.histogram().grid();
      if (!g2.isDegenerate()) {
        int side = a.stats().max() >= -a.stats().min() ? g1.posBins() : g1.negBins();
        assertTrue(side > 2048, what + ": " + side + " bins on the absmax side, " + g1);
      }
      Range p1 = a.ranges().get(CalibrationMethod.PERCENTILE);
      Range p2 = b.ranges().get(CalibrationMethod.PERCENTILE);
      double bound = (double) g1.width() + g2.width();
      assertTrue(Math.abs(p1.min() - p2.min()) <= bound && Math.abs(p1.max() - p2.max()) <= bound,
          what + ": percentile " + p1 + " (one pass, w " + g1.width() + ") vs " + p2 + " (w "
              + g2.width() + ")");
    }
  }
}
