package org.qcal.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.qcal.calib.CalibrationMethod;
import org.qcal.jobs.api.FallbackStep;
import org.qcal.jobs.api.TensorSensitivity;
import org.qcal.jobs.api.TuneRun;
import org.qcal.jobs.api.TuneSettings;
import org.qcal.jobs.validate.ValidationMetric;

/**
 * tune's sensitivity-guided float fallback on the shipped residual CNN (slice rows 0..299
 * calibrate, 1000..1199 held out), with an output-SQNR budget. A budget out of reach (200 dB)
 * makes the fallback take its three steps; a budget between two of those steps' measured SQNRs
 * must then stop exactly at the later one, having taken the same steps before it.
 */
class TuneFallbackJobTest {
  private static final int STEPS = 3;
  private static SparkSession spark;
  private static Dataset<Row> calibration;
  private static Dataset<Row> heldOut;

  @BeforeAll
  static void start() {
    spark = JobsTestSpark.start("TuneFallbackJobTest", 1);
    calibration = ValidateTestSupport.sliceRange(spark, 0, 300);
    heldOut = ValidateTestSupport.sliceRange(spark, 1000, 1200);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static TuneRun tune(double minSqnrDb) {
    return TuneSettings.builder()
        .calibration(b -> b.model(TestPaths.model("residual.onnx")).data(calibration)
            .methods(CalibrationMethod.MINMAX))
        .validation(b -> b.data(heldOut).metric(ValidationMetric.SQNR).minSqnrDb(minSqnrDb))
        .maxFloatTensors(STEPS).run(spark);
  }

  private static double sqnr(FallbackStep step) {
    return step.result().primaryOutput().sqnrDb();
  }

  @Test
  void keepsTheMostSensitiveTensorsInFloatFirstAndStopsAtTheFirstStepWithinTheBudget() {
    TuneRun unreachable = tune(200);
    List<TensorSensitivity> sensitivity = unreachable.sensitivity();
    assertTrue(sensitivity.size() >= STEPS, sensitivity.toString());
    for (int i = 1; i < sensitivity.size(); i++) {
      TensorSensitivity before = sensitivity.get(i - 1);
      TensorSensitivity after = sensitivity.get(i);
      assertTrue(before.gainDb() > after.gainDb() || before.gainDb() == after.gainDb()
          && before.tensor().compareTo(after.tensor()) < 0, "most sensitive first: " + before
          + " before " + after);
    }
    // Each step adds the next tensor of that order (only tensors that gained output SQNR).
    List<String> order = new ArrayList<>();
    sensitivity.stream().filter(s -> s.gainDb() > 0).forEach(s -> order.add(s.tensor()));
    List<FallbackStep> steps = unreachable.fallbackSteps();
    assertEquals(Math.min(STEPS, order.size()), steps.size());
    for (int k = 0; k < steps.size(); k++) {
      assertEquals(k + 1, steps.get(k).step());
      assertEquals(order.get(k), steps.get(k).floatTensor());
      assertFalse(steps.get(k).result().passed());
    }
    assertFalse(unreachable.passed());
    assertEquals(order.subList(0, steps.size()), unreachable.floatTensors());

    // The budget halfway between the last step that beats everything before it and the best
    // before it: every earlier step misses it, that step meets it.
    double best = unreachable.report().candidates().get(0).primaryOutput().sqnrDb();
    int stop = -1;
    double budget = Double.NaN;
    for (int k = 0; k < steps.size(); k++) {
      if (sqnr(steps.get(k)) > best) {
        stop = k;
        budget = (best + sqnr(steps.get(k))) / 2;
      }
      best = Math.max(best, sqnr(steps.get(k)));
    }
    assertTrue(stop >= 0, "some step gains output SQNR: " + steps);
    TuneRun reachable = tune(budget);
    assertTrue(reachable.passed());
    assertEquals(sensitivity, reachable.sensitivity(), "the same measurement");
    assertEquals(stop + 1, reachable.fallbackSteps().size(), "stops at step " + (stop + 1));
    for (int k = 0; k <= stop; k++) {
      assertEquals(steps.get(k).result().sha256(),
          reachable.fallbackSteps().get(k).result().sha256());
      assertEquals(sqnr(steps.get(k)), sqnr(reachable.fallbackSteps().get(k)));
    }
    assertEquals(steps.get(stop).result().name(), reachable.chosen().name());
    assertEquals(order.subList(0, stop + 1), reachable.floatTensors());
  }
}
