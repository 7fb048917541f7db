package org.qcal.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qcal.jobs.cli.ExitCode;
import org.qcal.jobs.cli.Main;
import org.qcal.jobs.io.AtomicOutputDir;

/**
 * Everything that can be checked before the passes is checked before them: each refusal here is
 * exit 2 with one line, and not a single Spark job ran (counted by a listener).
 */
class EarlyRefusalTest {
  private static SparkSession spark;
  private static final AtomicInteger JOBS = new AtomicInteger();
  @TempDir Path tmp;
  private String cnn;

  @BeforeAll
  static void start() {
    spark = JobsTestSpark.start("EarlyRefusalTest", 1);
    spark.sparkContext().addSparkListener(new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart jobStart) {
        JOBS.incrementAndGet();
      }
    });
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @BeforeEach
  void reset() {
    cnn = TestPaths.model("cnn.onnx");
    JOBS.set(0);
  }

  private String refusedBeforeAnyJob(String... args) {
    StringWriter err = new StringWriter();
    int exit = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true), args);
    assertEquals(ExitCode.BAD_INPUT, exit, err.toString());
    List<String> lines = err.toString().lines().toList();
    assertEquals(1, lines.size(), err.toString());
    assertEquals(0, JOBS.get(), "Spark jobs before the refusal of " + Arrays.toString(args));
    return lines.get(0);
  }

  private String[] calibrate(String out, String... more) {
    List<String> args = new ArrayList<>(List.of("calibrate", "--model", cnn, "--data",
        TestPaths.slice(), "--out", out));
    args.addAll(Arrays.asList(more));
    return args.toArray(String[]::new);
  }

  @Test
  void anOutputNameWithAColon() {
    String line = refusedBeforeAnyJob(calibrate(tmp.resolve("run-10:00").toString()));
    assertTrue(line.contains("':' is not allowed"), line);
  }

  @Test
  void anOutputFolderAnotherRunIsWriting() throws IOException {
    Path out = tmp.resolve("out");
    try (AtomicOutputDir other = AtomicOutputDir.reserve(out.toString(), false, "calibrate",
        List.of(), new Configuration())) {
      String line = refusedBeforeAnyJob(calibrate(out.toString(), "--overwrite"));
      assertTrue(line.contains("is being written by another qcal run"), line);
    }
  }

  @Test
  void anOutputFolderThatIsTheConfigFile() throws IOException {
    Path config = Files.writeString(tmp.resolve("my.conf"), "batch-size=32\n");
    String line = refusedBeforeAnyJob(calibrate(config.toString(), "--config",
        config.toString(), "--overwrite"));
    assertTrue(line.contains("is the input " + config), line);
  }

  @Test
  void aModelPathThatIsAFolder() {
    cnn = tmp.resolve("models").toFile().mkdir() ? tmp.resolve("models").toString() : null;
    String line = refusedBeforeAnyJob(calibrate(tmp.resolve("out").toString()));
    assertTrue(line.contains("is a folder, not an ONNX model file"), line);
  }

  @Test
  void aBadValueInAConfigFileNamesTheFileAndTheKey() throws IOException {
    Path config = Files.writeString(tmp.resolve("my.conf"), "batch-size=lots\n");
    String line = refusedBeforeAnyJob(calibrate(tmp.resolve("out").toString(), "--config",
        config.toString()));
    assertTrue(line.contains("config file " + config + ", key 'batch-size'"), line);
    assertTrue(line.contains("'lots'"), line);
  }

  @Test
  void aBadValueOnTheCommandLineDoesNotBlameTheConfigFile() throws IOException {
    Path config = Files.writeString(tmp.resolve("my.conf"), "batch-size=32\n");
    String line = refusedBeforeAnyJob(calibrate(tmp.resolve("out").toString(), "--config",
        config.toString(), "--batch-size", "lots"));
    assertTrue(!line.contains("config file") && line.contains("'lots'"), line);
  }

  @Test
  void typesTheExporterDoesNotWriteAreRefusedListingTheAcceptedOnes() {
    assertEquals("qcal: --weight-type must be one of [int8, uint8, int4, uint4], got int16",
        refusedBeforeAnyJob(calibrate(tmp.resolve("out").toString(), "--weight-type", "int16")));
    assertEquals("qcal: --activation-type must be one of [uint8, int8, uint16, int16], got int4",
        refusedBeforeAnyJob(calibrate(tmp.resolve("out").toString(),
            "--activation-type", "int4")));
    // MLAS's 4-bit kernels take power-of-two blocks of 16 to 256 values.
    assertEquals("qcal: --weight-block-size must be a power of two in [16, 256], got 24",
        refusedBeforeAnyJob(calibrate(tmp.resolve("out").toString(), "--weight-type", "int4",
            "--weight-block-size", "24")));
    assertEquals("qcal: --bias-correction cannot be used with weightType int4: it corrects"
        + " 8-bit weights only", refusedBeforeAnyJob(calibrate(tmp.resolve("out").toString(),
            "--weight-type", "int4", "--bias-correction")));
  }

  @Test
  void anInputBoundTwiceToDifferentColumns() {
    String line = refusedBeforeAnyJob(calibrate(tmp.resolve("out").toString(),
        "--input", "input=pixels", "--input", "input=label"));
    assertTrue(line.contains("--input input is bound twice, to columns 'pixels' and 'label'"),
        line);
  }

  @Test
  void nothingIsLeftBesideARefusedOutput() {
    refusedBeforeAnyJob(calibrate(tmp.resolve("a/b/out").toString(), "--input", "x=1",
        "--input", "x=2"));
    assertEquals(List.of(), OutputFiles.entries(tmp));
  }
}
