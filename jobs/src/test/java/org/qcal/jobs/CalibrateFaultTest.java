package org.qcal.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.spark.ExceptionFailure;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qcal.jobs.api.CalibrationRun;
import org.qcal.jobs.spark.FaultInjection;

/**
 * docs/DESIGN.md: only task results count, so a retried task is never counted twice. With {@code
 * local[2,2]} (a task may fail once), the first attempt of partition 0 of every calibration stage
 * is made to fail; the outputs must be the bytes of a clean run in the same session.
 */
class CalibrateFaultTest {
  private static SparkSession spark;
  private static final List<String> failures = Collections.synchronizedList(new ArrayList<>());
  @TempDir static Path tmp;

  @BeforeAll
  static void start() {
    spark = JobsTestSpark.start("CalibrateFaultTest", 2);
    spark.sparkContext().addSparkListener(new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.reason() instanceof ExceptionFailure f) {
          failures.add("partition " + end.taskInfo().partitionId() + " attempt "
              + end.taskInfo().attemptNumber() + ": " + f.description());
        } else if (!end.taskInfo().successful()) {
          failures.add("partition " + end.taskInfo().partitionId() + ": " + end.reason());
        }
      }
    });
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** 1000 rows, every method (one pass), batches of 64. */
  private static byte[][] calibrate(String run) {
    Path out = tmp.resolve(run);
    CalibrationRun result = TestRuns.calibrate(TestPaths.model("cnn.onnx"), TestPaths.slice(),
        CalibrateJobTest.METHODS, "entropy", 64).limit(1000).output(out.toString()).run(spark);
    assertEquals(1000, result.samples(), run + ": rows counted once");
    byte[][] bytes = new byte[OutputFiles.FILES.size()][];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = OutputFiles.bytes(out.resolve(OutputFiles.FILES.get(i)));
    }
    return bytes;
  }

  @Test
  void failedFirstAttemptGivesTheBytesOfACleanRun() throws Exception {
    byte[][] clean = calibrate("clean");
    spark.sparkContext().listenerBus().waitUntilEmpty();
    assertEquals(List.of(), failures, "the clean run had no failed task");

    // FaultInjection reads the live SparkContext conf at job start; set it only for this run.
    spark.sparkContext().conf().set(FaultInjection.FAIL_FIRST_ATTEMPT_OF_PARTITION, "0");
    byte[][] faulty;
    try {
      faulty = calibrate("faulty");
    } finally {
      spark.sparkContext().conf().remove(FaultInjection.FAIL_FIRST_ATTEMPT_OF_PARTITION);
    }
    spark.sparkContext().listenerBus().waitUntilEmpty();

    // The one pass lost the first attempt of partition 0, and retried it.
    assertEquals(1, failures.size(), failures.toString());
    for (String failure : failures) {
      assertTrue(failure.startsWith("partition 0 attempt 0: ")
          && failure.contains("injected failure"), failure);
    }
    for (int i = 0; i < clean.length; i++) {
      assertArrayEquals(clean[i], faulty[i], OutputFiles.FILES.get(i));
    }
  }
}
