package org.qcal.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qcal.jobs.cli.ExitCode;

/**
 * A bad row is named by its data file and its row within that file, the same whatever the
 * partitioning, and fails no Spark task.
 */
class BadRowPositionsTest {
  @TempDir static Path tmp;
  private static SparkSession spark;
  private static final String CNN = TestPaths.model("cnn.onnx");
  private static final AtomicInteger failedTasks = new AtomicInteger();
  private static String parquet;
  private static String parquetFile;
  private static String json;
  private static String jsonFile;

  @BeforeAll
  static void start() {
    spark = JobsTestSpark.start("BadRowPositionsTest", 1);
    spark.sparkContext().addSparkListener(new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.reason() != Success$.MODULE$) {
          failedTasks.incrementAndGet();
        }
      }
    });
    parquet = tmp.resolve("bad-parquet").toString();
    parquetFile = BadData.write(spark, parquet, "parquet", 300, 233, 250);
    json = tmp.resolve("bad-json").toString();
    jsonFile = BadData.write(spark, json, "json", 300, -1, 141);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void parquetRowsAreNamedByFileAndRowWhateverThePartitions() throws Exception {
    String expected = "qcal: data file " + parquetFile + " row 233: column 'pixels' has 785"
        + " values, input 'input' [?,1,28,28] needs 784";
    assertEquals(List.of(expected, expected, expected), validateLines(parquet, 1, 3, 7));
  }

  @Test
  void jsonRowsAreNamedByFileAndRowWhateverThePartitions() throws Exception {
    String expected = "qcal: data file " + jsonFile + " row 141: column 'pixels' has a null at"
        + " element 3; input 'input' [?,1,28,28] needs numbers";
    assertEquals(List.of(expected, expected), validateLines(json, 1, 4));
  }

  @Test
  void calibrateNamesTheSameRowAndFailsNoTask() throws Exception {
    int failedBefore = failedTasks.get();
    Cli run = Cli.run("calibrate", "--model", CNN, "--data", parquet,
        "--out", tmp.resolve("calibrate-out").toString());
    assertEquals(ExitCode.BAD_INPUT, run.exitCode(), run.err());
    assertEquals("qcal: data file " + parquetFile + " row 233: column 'pixels' has 785 values,"
        + " input 'input' [?,1,28,28] needs 784", run.err().strip());
    spark.sparkContext().listenerBus().waitUntilEmpty();
    assertEquals(failedBefore, failedTasks.get(), "a bad row must not fail a Spark task");
  }

  /** validate's one line per partition count; no task may fail. */
  private static List<String> validateLines(String data, int... partitions) throws Exception {
    int failedBefore = failedTasks.get();
    List<String> lines = new ArrayList<>();
    for (int n : partitions) {
      Cli run = Cli.run("validate", "--model", CNN, "--quantized", CNN,
          "--data", data, "--no-tensor-errors", "--partitions", String.valueOf(n), "--out",
          tmp.resolve("out-" + System.nanoTime()).toString());
      assertEquals(ExitCode.BAD_INPUT, run.exitCode(), run.err());
      lines.add(run.err().strip());
    }
    spark.sparkContext().listenerBus().waitUntilEmpty(); // task ends arrive asynchronously
    assertEquals(failedBefore, failedTasks.get(), "a bad row must not fail a Spark task");
    return lines;
  }
}
