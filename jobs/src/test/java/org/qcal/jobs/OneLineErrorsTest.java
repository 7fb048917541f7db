package org.qcal.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qcal.jobs.cli.ExitCode;
import org.qcal.jobs.spark.SparkSessions;
import org.qcal.onnx.proto.Onnx.ModelProto;

/**
 * The failing cases of the bad-input probe, each run as a user runs it: {@code bin/qcal} as its
 * own process, in a working folder of its own. Each must exit 2 with exactly one {@code qcal:}
 * line on stderr and nothing after it (no Spark task traces, no JVM crash, no {@code hs_err}
 * file in the working folder), and leave every input as it was. Tagged {@code cluster}: it
 * needs the packaged jar, so it runs after {@code package}.
 */
@Tag("cluster")
class OneLineErrorsTest {
  @TempDir static Path fixtures;
  @TempDir Path work;

  private static String cnn;
  private static Path dataFolder;
  private static String longRow;
  private static String nullElement;
  private static String noInputs;
  private static String mixedFormats;
  private static String badLabels;

  @BeforeAll
  static void fixtures() throws IOException {
    SparkSession spark = JobsTestSpark.start("OneLineErrorsTest", 1);
    try {
      cnn = TestPaths.model("cnn.onnx");
      Dataset<Row> slice = spark.read().parquet(TestPaths.slice()).limit(256);
      dataFolder = fixtures.resolve("data");
      slice.repartition(2).write().parquet(dataFolder.resolve("calib.parquet").toString());
      // One row of 785 values among 256, in the second of two partitions.
      longRow = write(slice.limit(200).union(slice.limit(1)
          .selectExpr("concat(pixels, array(cast(0 as float))) AS pixels", "label"))
          .union(slice.limit(55)).repartition(1), "long-row.parquet");
      nullElement = write(slice.limit(100).union(slice.limit(1).selectExpr(
          "transform(pixels, (x, i) -> IF(i = 7, CAST(NULL AS FLOAT), x)) AS pixels", "label"))
          .union(slice.limit(100)).repartition(1), "null-element.parquet");
      badLabels = write(slice.limit(64).selectExpr("pixels", "label + 10 AS label")
          .repartition(1), "bad-labels.parquet");
      Path mixed = Files.createDirectories(fixtures.resolve("mixed"));
      slice.limit(8).write().parquet(mixed.resolve("a").toString());
      Files.copy(firstPart(mixed.resolve("a")), mixed.resolve("part-1.parquet"));
      Files.writeString(mixed.resolve("part-2.csv"), "pixels,label\n1,2\n");
      deleteTree(mixed.resolve("a"));
      mixedFormats = mixed.toString();
    } finally {
      spark.stop();
    }
    ModelProto model = ModelProto.parseFrom(Files.readAllBytes(Path.of(cnn)));
    ModelProto.Builder b = model.toBuilder();
    b.getGraphBuilder().clearInput();
    noInputs = Files.write(fixtures.resolve("no-inputs.onnx"), b.build().toByteArray())
        .toString();
  }

  @AfterAll
  static void noLeftovers() {
    SparkSessions.stopOwned();
  }

  private static String write(Dataset<Row> data, String name) {
    String path = fixtures.resolve(name).toString();
    data.write().mode(SaveMode.ErrorIfExists).parquet(path);
    return path;
  }

  private static Path firstPart(Path folder) throws IOException {
    try (var s = Files.list(folder)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst()
          .orElseThrow();
    }
  }

  private static void deleteTree(Path p) throws IOException {
    try (var s = Files.walk(p)) {
      for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }

  record Run(int exit, String stderr) {}

  /** bin/qcal in {@code work}, its logs in a folder of the test's. */
  private Run qcal(String... args) throws IOException, InterruptedException {
    Process p = BinQcal.process(work, fixtures.resolve("logs"), List.of(args)).start();
    byte[] err = p.getErrorStream().readAllBytes();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "bin/qcal finished");
    return new Run(p.exitValue(), new String(err, StandardCharsets.UTF_8));
  }

  /** Exit 2, one qcal: line, last, naming every needle; nothing crashed into {@code work}. */
  private String assertOneLine(Run run, String... needles) throws IOException {
    assertEquals(ExitCode.BAD_INPUT, run.exit(), run.stderr());
    List<String> lines = run.stderr().lines().filter(l -> !l.isBlank()).toList();
    List<String> qcalLines = lines.stream().filter(l -> l.startsWith("qcal: ")).toList();
    assertEquals(1, qcalLines.size(), "one qcal: line in\n" + run.stderr());
    assertEquals(qcalLines.get(0), lines.get(lines.size() - 1), "the line is the last thing");
    for (String l : lines.subList(0, lines.size() - 1)) {
      // Before the line only the JVM's note on the Vector API module and qcal's own log lines.
      assertTrue(l.startsWith("WARNING: Using incubator modules")
          || l.matches("\\d\\d:\\d\\d:\\d\\d (INFO|WARN) \\w+: .*"),
          "unexpected stderr line '" + l + "' in\n" + run.stderr());
    }
    for (String needle : needles) {
      assertTrue(qcalLines.get(0).contains(needle), needle + " in " + qcalLines.get(0));
    }
    try (var s = Files.list(work)) {
      assertEquals(List.of(), s.map(p -> p.getFileName().toString())
          .filter(n -> !n.equals("keep.txt")).toList(), "nothing written in the working folder");
    }
    return qcalLines.get(0);
  }

  private String[] calibrate(String data, String out, String... more) {
    List<String> args = new ArrayList<>(List.of("calibrate", "--model", cnn, "--data", data,
        "--out", out));
    args.addAll(Arrays.asList(more));
    return args.toArray(String[]::new);
  }

  @Test
  void overwriteNeverDeletesTheDataTheFolderAboveItOrTheWorkingFolder() throws Exception {
    Files.writeString(work.resolve("keep.txt"), "mine");
    String data = dataFolder.resolve("calib.parquet").toString();
    List<String> before = list(dataFolder);
    assertOneLine(qcal(calibrate(data, data, "--overwrite")), "is the input");
    assertOneLine(qcal(calibrate(data, dataFolder.toString(), "--overwrite")), "contains the input");
    assertOneLine(qcal(calibrate(data, ".", "--overwrite")), "is the working folder");
    assertEquals(before, list(dataFolder));
    assertEquals("mine", Files.readString(work.resolve("keep.txt")));
  }

  @Test
  void aRowOfTheWrongLengthIsOneLineNeverACrash() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertOneLine(qcal(calibrate(longRow, work.resolve("out").toString())), "785");
    }
  }

  @Test
  void aNullElementIsOneLineNeverACrash() throws Exception {
    assertOneLine(qcal(calibrate(nullElement, work.resolve("out").toString())), "null");
  }

  @Test
  void aModelWithoutInputsIsOneLine() throws Exception {
    assertOneLine(qcal("calibrate", "--model", noInputs, "--data", TestPaths.slice(),
        "--out", work.resolve("out").toString()), "has no inputs");
  }

  @Test
  void anOutputNameWithAColonIsRefusedBeforeAnyWork() throws Exception {
    assertOneLine(qcal(calibrate(TestPaths.slice(), work.resolve("out-2025-01-01T10:00")
        .toString())), "':' is not allowed");
  }

  @Test
  void aFolderMixingParquetAndCsvIsOneLine() throws Exception {
    assertOneLine(qcal(calibrate(mixedFormats, work.resolve("out").toString())), mixedFormats);
  }

  @Test
  void labelsOutOfRangeAreOneLine() throws Exception {
    assertOneLine(qcal("validate", "--model", cnn, "--quantized", cnn, "--data", badLabels,
        "--label", "label", "--out", work.resolve("out").toString()), "label");
  }

  private static List<String> list(Path folder) throws IOException {
    try (var s = Files.walk(folder)) {
      return s.map(Path::toString).sorted().toList();
    }
  }
}
