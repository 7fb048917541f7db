package org.qcal.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qcal.jobs.cli.ExitCode;
import org.qcal.jobs.cli.Main;

/**
 * {@code qcal calibrate} through {@link Main#run(PrintWriter, PrintWriter, String...)}: exit 0 and
 * where the outputs are on success; for each bad input exit 2, one line on stderr naming the bad
 * thing, and no output folder (nor its hidden temporary sibling) left behind.
 */
class CalibrateCliTest {
  private static SparkSession spark;
  @TempDir static Path fixtures;
  @TempDir Path tmp;

  private static String cnn;
  private static String emptyData;
  private static String shortRows;
  private static String textColumn;
  private static String nonFinite;
  private static String allNan;

  /** Where the NaN and infinities were put: row, pixel index, value. */
  private static final Object[][] NON_FINITE = {
    {0, 0, Float.NaN}, {1, 5, Float.NaN}, {1, 6, Float.NaN},
    {2, 10, Float.POSITIVE_INFINITY},
    {3, 1, Float.NEGATIVE_INFINITY}, {3, 2, Float.NEGATIVE_INFINITY},
    {3, 3, Float.NEGATIVE_INFINITY},
  };

  @BeforeAll
  static void start() {
    // Main.run reuses the active session (SparkSessions.getOrCreate): start it first.
    spark = JobsTestSpark.start("CalibrateCliTest", 1);
    cnn = TestPaths.model("cnn.onnx");
    Dataset<Row> slice = spark.read().parquet(TestPaths.slice());
    emptyData = write(slice.limit(0), "empty.parquet");
    shortRows = write(slice.limit(8).selectExpr("slice(pixels, 1, 783) AS pixels", "label"),
        "short.parquet");
    textColumn = write(slice.limit(8).selectExpr("CAST(label AS STRING) AS text", "label"),
        "text.parquet");

    List<Row> rows = slice.limit(10).collectAsList();
    List<float[]> pixels = new ArrayList<>();
    for (Row r : rows) {
      List<Float> px = r.getList(0);
      float[] a = new float[784];
      for (int i = 0; i < 784; i++) {
        a[i] = px.get(i);
      }
      pixels.add(a);
    }
    for (Object[] put : NON_FINITE) {
      pixels.get((int) put[0])[(int) put[1]] = (float) put[2];
    }
    nonFinite = write(pixelRows(pixels), "nonfinite.parquet");
    float[] nan = new float[784];
    Arrays.fill(nan, Float.NaN);
    allNan = write(pixelRows(List.of(nan, nan, nan)), "allnan.parquet");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static Dataset<Row> pixelRows(List<float[]> pixels) {
    List<Row> rows = new ArrayList<>();
    for (float[] a : pixels) {
      Float[] boxed = new Float[a.length];
      for (int i = 0; i < a.length; i++) {
        boxed[i] = a[i];
      }
      rows.add(RowFactory.create(Arrays.asList(boxed), 0));
    }
    StructType schema = new StructType()
        .add("pixels", DataTypes.createArrayType(DataTypes.FloatType, false), false)
        .add("label", DataTypes.IntegerType, false);
    return spark.createDataFrame(rows, schema).coalesce(1);
  }

  private static String write(Dataset<Row> data, String name) {
    String path = fixtures.resolve(name).toString();
    data.write().mode(SaveMode.ErrorIfExists).parquet(path);
    return path;
  }

  record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit;
    try (PrintWriter o = new PrintWriter(out, true); PrintWriter e = new PrintWriter(err, true)) {
      exit = Main.run(o, e, args);
    }
    return new Run(exit, out.toString(), err.toString());
  }

  /** An output folder inside a parent of its own, so that any sibling left behind shows. */
  private Path freshOut() throws IOException {
    return Files.createDirectory(tmp.resolve("parent")).resolve("out");
  }

  /** calibrate with the given arguments, --out added: exit 2, one line naming every needle. */
  private Run assertBadInput(List<String> args, String... needles) throws IOException {
    Path out = freshOut();
    List<String> all = new ArrayList<>(List.of("calibrate"));
    all.addAll(args);
    all.addAll(List.of("--out", out.toString()));
    Run run = run(all.toArray(String[]::new));
    assertEquals(ExitCode.BAD_INPUT, run.exit(), "exit code; stderr: " + run.err());
    List<String> lines = run.err().lines().filter(l -> !l.isBlank()).toList();
    assertEquals(1, lines.size(), "one line on stderr, got:\n" + run.err());
    String line = lines.get(0);
    System.out.println("bad input " + args + " -> " + line);
    assertTrue(line.startsWith("qcal: "), line);
    for (String needle : needles) {
      assertTrue(line.contains(needle), "'" + needle + "' named in: " + line);
    }
    assertEquals(List.of(), OutputFiles.entries(out.getParent()),
        "nothing written beside " + out);
    return run;
  }

  private static List<String> args(String... args) {
    return List.of(args);
  }

  @Test
  void calibrateExitsZeroAndSaysWhereTheOutputsAre() throws IOException {
    Path out = freshOut();
    Run run = run("calibrate", "--model", cnn, "--data", TestPaths.slice(), "--limit", "64",
        "--methods", "minmax", "--choose", "minmax", "--out", out.toString());
    assertEquals(ExitCode.OK, run.exit(), run.err());
    assertTrue(run.out().contains("outputs in"), run.out());
    assertTrue(run.out().contains(out.toString()), run.out());
    assertTrue(run.out().contains("64 samples"), run.out());
    OutputFiles.assertOutputs(out);
    assertEquals(List.of("out"), OutputFiles.entries(out.getParent()));
  }

  @Test
  void overwriteReplacesAnEarlierQcalOutputAndKeepsFilesQcalDidNotWrite() throws IOException {
    Path out = freshOut();
    String[] args = {"calibrate", "--model", cnn, "--data", TestPaths.slice(), "--limit", "64",
        "--methods", "minmax", "--choose", "minmax", "--out", out.toString(), "--overwrite"};
    assertEquals(ExitCode.OK, run(args).exit());
    byte[] first = Files.readAllBytes(out.resolve(org.qcal.jobs.io.CalibrationOutputs.QDQ_MODEL));
    Files.writeString(out.resolve("notes.txt"), "mine");
    Run again = run(args);
    assertEquals(ExitCode.OK, again.exit(), again.err());
    assertTrue(java.util.Arrays.equals(first,
        Files.readAllBytes(out.resolve(org.qcal.jobs.io.CalibrationOutputs.QDQ_MODEL))), "same inputs, same bytes");
    assertEquals("mine", Files.readString(out.resolve("notes.txt")));
    Files.delete(out.resolve("notes.txt"));
    OutputFiles.assertOutputs(out);
    assertEquals(List.of("out"), OutputFiles.entries(out.getParent()));
  }

  @Test
  void overwriteRefusesAFolderQcalDidNotWrite() throws IOException {
    Path out = freshOut();
    Files.createDirectory(out);
    Files.writeString(out.resolve("stale.txt"), "someone's file");
    Run run = run("calibrate", "--model", cnn, "--data", TestPaths.slice(), "--limit", "64",
        "--out", out.toString(), "--overwrite");
    assertEquals(ExitCode.BAD_INPUT, run.exit(), run.err());
    assertTrue(run.err().contains("was not written by qcal"), run.err());
    assertEquals(List.of("stale.txt"), OutputFiles.entries(out));
  }

  @Test
  void existingOutputWithoutOverwriteIsRefusedAndLeftUntouched() throws IOException {
    Path out = freshOut();
    Files.createDirectory(out);
    Files.writeString(out.resolve("keep.txt"), "precious");
    Run run = run("calibrate", "--model", cnn, "--data", TestPaths.slice(), "--limit", "64",
        "--out", out.toString());
    assertEquals(ExitCode.BAD_INPUT, run.exit(), run.err());
    assertEquals(1, run.err().lines().count(), run.err());
    assertTrue(run.err().contains(out.toString()) && run.err().contains("--overwrite"),
        run.err());
    assertEquals(List.of("keep.txt"), OutputFiles.entries(out));
    assertEquals("precious", Files.readString(out.resolve("keep.txt")));
    assertEquals(List.of("out"), OutputFiles.entries(out.getParent()));
  }

  @Test
  void helpExitsZeroAndListsTheOptions() {
    Run run = run("calibrate", "--help");
    assertEquals(ExitCode.OK, run.exit(), run.err());
    for (String option : List.of("--model", "--data", "--format", "--input", "--methods",
        "--percentile", "--bins", "--activation-type", "--weight-type",
        "--symmetric-activations", "--per-channel", "--choose", "--batch-size", "--limit",
        "--out", "--overwrite", "--config", "--help")) {
      assertTrue(run.out().contains(option), option + " in:\n" + run.out());
    }
    // The types listed are exactly those the options accept (and the exporter writes).
    String help = run.out().replaceAll("\\s+", " ");
    assertTrue(help.contains("Weight type: int8, uint8, int4, uint4; int4 (symmetric)"), help);
    assertTrue(help.contains("Activation type: uint8, int8, uint16, int16; 16-bit Q/DQ"), help);
  }

  @Test
  void missingModelIsBadInput() throws IOException {
    String missing = tmp.resolve("nowhere.onnx").toString();
    assertBadInput(args("--model", missing, "--data", TestPaths.slice()), missing);
  }

  @Test
  void modelOfRandomBytesIsBadInput() throws IOException {
    byte[] random = new byte[4096];
    new Random(42).nextBytes(random);
    Path model = Files.write(tmp.resolve("random.onnx"), random);
    assertBadInput(args("--model", model.toString(), "--data", TestPaths.slice()),
        model.toString());
  }

  @Test
  void modelThatIsATextFileIsBadInput() throws IOException {
    Path model = Files.writeString(tmp.resolve("notes.onnx"), "this is not an ONNX model\n",
        StandardCharsets.UTF_8);
    assertBadInput(args("--model", model.toString(), "--data", TestPaths.slice()),
        model.toString());
  }

  @Test
  void missingDataPathIsBadInput() throws IOException {
    String missing = tmp.resolve("no-such-data.parquet").toString();
    assertBadInput(args("--model", cnn, "--data", missing), missing);
  }

  @Test
  void smoothQuantAlphaOutsideItsRangeIsBadInput() throws IOException {
    assertBadInput(args("--model", cnn, "--data", TestPaths.slice(), "--smooth-quant",
        "--smooth-quant-alpha", "1.5"), "--smooth-quant-alpha must be in (0, 1], got 1.5");
  }

  @Test
  void emptyDatasetIsBadInput() throws IOException {
    assertBadInput(args("--model", cnn, "--data", emptyData), emptyData, "no rows");
  }

  @Test
  void missingColumnIsBadInput() throws IOException {
    assertBadInput(args("--model", cnn, "--data", TestPaths.slice(), "--input", "input=nope"),
        "'nope'");
  }

  @Test
  void wrongElementCountForTheInputShapeIsBadInput() throws IOException {
    // 783 values cannot fill the CNN's [1, 28, 28] = 784 per row.
    assertBadInput(args("--model", cnn, "--data", shortRows), "pixels", "783", "784");
  }

  @Test
  void nonNumericColumnIsBadInput() throws IOException {
    assertBadInput(args("--model", cnn, "--data", textColumn, "--input", "input=text"),
        "'text'", "string");
  }

  @Test
  void unknownMethodIsBadInput() throws IOException {
    assertBadInput(args("--model", cnn, "--data", TestPaths.slice(), "--methods", "minmax,foo"),
        "--methods", "foo");
  }

  @Test
  void percentileOfZeroIsBadInput() throws IOException {
    assertBadInput(args("--model", cnn, "--data", TestPaths.slice(), "--percentile", "0"),
        "--percentile", "(0, 100]");
  }

  @Test
  void percentileAboveHundredIsBadInput() throws IOException {
    assertBadInput(args("--model", cnn, "--data", TestPaths.slice(), "--percentile", "100.5"),
        "--percentile", "100.5");
  }

  @Test
  void fewerThan128BinsWithEntropyIsBadInput() throws IOException {
    assertBadInput(args("--model", cnn, "--data", TestPaths.slice(), "--bins", "64",
        "--methods", "entropy"), "--bins", "128", "64");
  }

  @Test
  void unknownConfigKeyIsBadInput() throws IOException {
    Path config = Files.writeString(tmp.resolve("qcal.conf"), "bins=2048\nbogus=1\n");
    assertBadInput(args("--model", cnn, "--data", TestPaths.slice(), "--config",
        config.toString()), "'bogus'", config.toString());
  }

  @Test
  void nanAndInfinitiesAreCountedPerTensor() throws IOException {
    Path out = freshOut();
    Run run = run("calibrate", "--model", cnn, "--data", nonFinite, "--out", out.toString());
    assertEquals(ExitCode.OK, run.exit(), run.err());
    JsonNode tensors = OutputFiles.json(out).get("tensors");
    JsonNode input = tensors.get(0);
    assertEquals("input", input.get("name").asText());
    JsonNode stats = input.get("stats");
    assertEquals(10 * 784, stats.get("count").asLong());
    assertEquals(10, stats.get("samples").asLong());
    assertEquals(3, stats.get("nan").asLong()); // rows 0 and 1: 1 + 2
    assertEquals(1, stats.get("posInf").asLong()); // row 2
    assertEquals(3, stats.get("negInf").asLong()); // row 3
    // Still a range from the finite values: pixels are in [0, 1].
    assertTrue(stats.get("min").asDouble() >= 0 && stats.get("max").asDouble() <= 1, stats + "");
    // Rows go through the CNN independently, so only rows 0 to 3 can turn non-finite: at most
    // 4 rows x 10 logits; rows 4 to 9 keep all their 60 logits finite.
    JsonNode logits = tensors.get(tensors.size() - 1).get("stats");
    long nonFiniteLogits = logits.get("nan").asLong() + logits.get("posInf").asLong()
        + logits.get("negInf").asLong();
    assertTrue(nonFiniteLogits > 0 && nonFiniteLogits <= 40, logits.toString());
    for (JsonNode t : tensors) {
      assertTrue(t.at("/stats/nan").isIntegralNumber() && t.at("/stats/posInf").isIntegralNumber()
          && t.at("/stats/negInf").isIntegralNumber(), t.get("name") + " reports its counts");
    }
  }

  @Test
  void tensorWithoutFiniteValueIsBadInputNamingTheTensor() throws IOException {
    assertBadInput(args("--model", cnn, "--data", allNan), "tensor 'input'", "no finite value");
  }
}
