package org.qcal.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qcal.ElementType;
import org.qcal.jobs.cli.ExitCode;
import org.qcal.jobs.cli.Main;
import org.qcal.jobs.io.AtomicOutputDir;
import org.qcal.onnx.proto.Onnx.ModelProto;
import org.qcal.onnx.proto.Onnx.NodeProto;
import org.qcal.onnx.proto.Onnx.TypeProto;
import org.qcal.onnx.proto.Onnx.ValueInfoProto;

/**
 * Runs every bad input qcal refuses, checks each is exit 2 with one {@code qcal:} line and
 * nothing written, and generates the table of {@code docs/BAD_INPUTS.md} from what it saw, so
 * the document cannot drift from the code: the test fails when the committed table differs.
 * Regenerate it with {@code mvn -pl jobs -am test -Dtest=BadInputTableTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dqcal.writeDocs=true}.
 */
class BadInputTableTest {
  private static final Path DOC = Path.of("../docs/BAD_INPUTS.md").toAbsolutePath().normalize();
  private static SparkSession spark;
  @TempDir static Path tmp;

  private static String cnn;
  private static String slice;
  private static String dataFolder;

  @BeforeAll
  static void start() throws IOException {
    spark = JobsTestSpark.start("BadInputTableTest", 1);
    cnn = TestPaths.model("cnn.onnx");
    slice = TestPaths.slice();
    Dataset<Row> rows = spark.read().parquet(slice).limit(64);
    dataFolder = write(rows.repartition(1), "data/calib.parquet");
    write(rows.limit(0), "empty.parquet");
    write(rows.selectExpr("slice(pixels, 1, 783) AS pixels", "label"), "short.parquet");
    write(rows.limit(30).union(rows.limit(1).selectExpr(
        "concat(pixels, array(cast(0 as float))) AS pixels", "label")).repartition(1),
        "long-row.parquet");
    write(rows.limit(20).union(rows.limit(1).selectExpr(
        "transform(pixels, (x, i) -> IF(i = 7, CAST(NULL AS FLOAT), x)) AS pixels", "label"))
        .repartition(1), "null-element.parquet");
    write(rows.limit(20).union(rows.limit(1).selectExpr(
        "CAST(NULL AS ARRAY<FLOAT>) AS pixels", "label")).repartition(1), "null-array.parquet");
    write(rows.selectExpr("CAST(label AS STRING) AS text", "label"), "text.parquet");
    write(rows.selectExpr("transform(pixels, x -> CAST('NaN' AS FLOAT)) AS pixels", "label"),
        "all-nan.parquet");
    write(rows.selectExpr("pixels", "label + 10 AS label"), "labels-10-19.parquet");
    Path mixed = Files.createDirectories(tmp.resolve("mixed"));
    write(rows.limit(4).repartition(1), "mixed/parquet");
    write(rows.limit(4).repartition(1), "mixed/json", "json");
    Path stray = Files.createDirectories(tmp.resolve("stray"));
    write(rows.limit(4).repartition(1), "stray/parquet");
    Files.writeString(stray.resolve("notes.csv"), "a,b\n");
    Files.createDirectories(tmp.resolve("models-folder"));
    Files.write(tmp.resolve("empty.onnx"), new byte[0]);
    Files.writeString(tmp.resolve("text.onnx"), "graph { node { op_type: \"Relu\" } }\n");
    ModelProto.Builder b = ModelProto.parseFrom(Files.readAllBytes(Path.of(cnn))).toBuilder();
    b.getGraphBuilder().clearInput();
    Files.write(tmp.resolve("no-inputs.onnx"), b.build().toByteArray());
    b = ModelProto.parseFrom(Files.readAllBytes(Path.of(cnn))).toBuilder();
    var shape = b.getGraphBuilder().getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder()
        .getShapeBuilder();
    shape.getDimBuilder(2).clearDimValue().setDimParam("height");
    shape.getDimBuilder(3).clearDimValue().setDimParam("width");
    Files.write(tmp.resolve("dynamic-hw.onnx"), b.build().toByteArray());
    b = ModelProto.parseFrom(Files.readAllBytes(Path.of(cnn))).toBuilder();
    for (var node : b.getGraphBuilder().getNodeBuilderList()) {
      if (node.getOpType().equals("Relu")) {
        node.setOpType("Swish").setDomain("com.example");
        break;
      }
    }
    b.addOpsetImportBuilder().setDomain("com.example").setVersion(1);
    Files.write(tmp.resolve("unknown-op.onnx"), b.build().toByteArray());
    writeOldOpsets(ModelProto.parseFrom(Files.readAllBytes(Path.of(cnn))));
    Files.writeString(tmp.resolve("bad-value.conf"), "batch-size=lots\n");
    Files.writeString(tmp.resolve("bad-key.conf"), "batchsize=32\n");
    Files.writeString(tmp.resolve("good.conf"), "batch-size=32\n");
    Files.writeString(tmp.resolve("scale-only.json"), "{\"input\": [{\"scale\": 0.1}]}");
    Files.writeString(tmp.resolve("unknown-tensor.json"), "{\"/conv1/Conv\": [{}]}");
    Files.createDirectories(tmp.resolve("not-qcal")).resolve("photo.jpg").toFile().createNewFile();
    Files.createDirectories(tmp.resolve("existing"));
    Files.writeString(tmp.resolve("a-file"), "x");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static String write(Dataset<Row> data, String name, String... format) {
    String path = tmp.resolve(name).toString();
    data.write().mode(SaveMode.ErrorIfExists).format(format.length > 0 ? format[0] : "parquet")
        .save(path);
    return path;
  }

  /**
   * The CNN at opset 5, below what ONNX Runtime runs, and at opset 9 behind a Dropout whose mask
   * is a graph output, a node the upgrade to opset 13 refuses (OpsetUpgrade).
   */
  private static void writeOldOpsets(ModelProto model) throws IOException {
    ModelProto.Builder five = model.toBuilder();
    five.setOpsetImport(0, five.getOpsetImport(0).toBuilder().setVersion(5));
    Files.write(tmp.resolve("opset-5.onnx"), five.build().toByteArray());
    ModelProto.Builder nine = model.toBuilder();
    nine.setOpsetImport(0, nine.getOpsetImport(0).toBuilder().setVersion(9));
    var graph = nine.getGraphBuilder();
    String input = graph.getInput(0).getName();
    for (var n : graph.getNodeBuilderList()) {
      for (int i = 0; i < n.getInputCount(); i++) {
        if (n.getInput(i).equals(input)) {
          n.setInput(i, "dropped");
        }
      }
    }
    graph.addNode(0, NodeProto.newBuilder().setOpType("Dropout").setName("dropout")
        .addInput(input).addOutput("dropped").addOutput("mask"));
    graph.addOutput(ValueInfoProto.newBuilder().setName("mask").setType(TypeProto.newBuilder()
        .setTensorType(TypeProto.Tensor.newBuilder()
            .setElemType(ElementType.FLOAT32.code()))));
    Files.write(tmp.resolve("dropout-mask-opset-9.onnx"), nine.build().toByteArray());
  }

  private static String t(String name) {
    return tmp.resolve(name).toString();
  }

  /** One refused case: what a user did, and the command line that does it. */
  private record Case(String group, String what, List<String> args) {}

  private static Case calibrate(String group, String what, String model, String data,
      String out, String... more) {
    List<String> args = new ArrayList<>(List.of("calibrate", "--model", model, "--data", data,
        "--out", out));
    args.addAll(List.of(more));
    return new Case(group, what, args);
  }

  private static Case validate(String group, String what, String data, String... more) {
    List<String> args = new ArrayList<>(List.of("validate", "--model", cnn, "--quantized", cnn,
        "--data", data, "--out", t("val-out")));
    args.addAll(List.of(more));
    return new Case(group, what, args);
  }

  private static List<Case> cases() {
    String out = t("out");
    return List.of(
        calibrate("output", "`--out` is the data", cnn, dataFolder, dataFolder, "--overwrite"),
        calibrate("output", "`--out` contains the data", cnn, dataFolder, t("data"),
            "--overwrite"),
        calibrate("output", "`--out` inside the data folder", cnn, dataFolder,
            dataFolder + "/out"),
        calibrate("output", "`--out` is the working folder", cnn, slice, ".", "--overwrite"),
        calibrate("output", "`--out` is the home folder", cnn, slice,
            System.getProperty("user.home"), "--overwrite"),
        calibrate("output", "`--out` is a file-system root", cnn, slice, "/", "--overwrite"),
        calibrate("output", "`--out` has a ':' in a name", cnn, slice, t("out-10:00")),
        calibrate("output", "`--out` exists", cnn, slice, t("existing")),
        calibrate("output", "`--out` exists and is not qcal's", cnn, slice, t("not-qcal"),
            "--overwrite"),
        calibrate("output", "`--out` is a file", cnn, slice, t("a-file"), "--overwrite"),
        calibrate("output", "`--out` is the config file", cnn, slice, t("good.conf"),
            "--config", t("good.conf"), "--overwrite"),
        calibrate("model", "model missing", t("missing.onnx"), slice, out),
        calibrate("model", "model path is a folder", t("models-folder"), slice, out),
        calibrate("model", "model file is empty", t("empty.onnx"), slice, out),
        calibrate("model", "model is a text file", t("text.onnx"), slice, out),
        calibrate("model", "model has no inputs", t("no-inputs.onnx"), slice, out),
        calibrate("model", "an op ONNX Runtime does not know", t("unknown-op.onnx"), slice,
            out),
        calibrate("model", "input with dynamic H and W, no `--input-shape`",
            t("dynamic-hw.onnx"), slice, out),
        calibrate("model", "ONNX opset below 7", t("opset-5.onnx"), slice, out),
        calibrate("model", "opset below 10 with a node that has no opset-13 form",
            t("dropout-mask-opset-9.onnx"), slice, out),
        calibrate("data", "data path missing", cnn, t("missing.parquet"), out),
        calibrate("data", "data has no rows", cnn, t("empty.parquet"), out),
        calibrate("data", "folder mixes Parquet and JSON", cnn, t("mixed"), out),
        calibrate("data", "a CSV file among Parquet files", cnn, t("stray"), out),
        calibrate("data", "rows one value short", cnn, t("short.parquet"), out),
        calibrate("data", "one row one value long", cnn, t("long-row.parquet"), out),
        calibrate("data", "a null element in a row", cnn, t("null-element.parquet"), out),
        calibrate("data", "a null array", cnn, t("null-array.parquet"), out),
        calibrate("data", "no numeric column", cnn, t("text.parquet"), out, "--input",
            "input=text"),
        calibrate("data", "a tensor without one finite value", cnn, t("all-nan.parquet"), out),
        validate("data", "labels outside the model's classes", t("labels-10-19.parquet"),
            "--label", "label"),
        validate("data", "label column missing", slice, "--label", "target"),
        calibrate("options", "an input bound twice", cnn, slice, out, "--input",
            "input=pixels", "--input", "input=label"),
        calibrate("options", "an input the model does not have", cnn, slice, out, "--input",
            "image=pixels"),
        calibrate("options", "a column the data does not have", cnn, slice, out, "--input",
            "input=nope"),
        calibrate("options", "a bad value in a config file", cnn, slice, out, "--config",
            t("bad-value.conf")),
        calibrate("options", "an unknown config key", cnn, slice, out, "--config",
            t("bad-key.conf")),
        calibrate("options", "`--limit 0`", cnn, slice, out, "--limit", "0"),
        calibrate("options", "`--batch-size 0`", cnn, slice, out, "--batch-size", "0"),
        calibrate("options", "`--choose` not among `--methods`", cnn, slice, out, "--methods",
            "minmax", "--choose", "mse"),
        calibrate("options", "an unknown `--choose`", cnn, slice, out, "--choose", "kl"),
        calibrate("options", "`--choose-rows 0`", cnn, slice, out, "--choose-rows", "0"),
        calibrate("options", "`--percentile 101`", cnn, slice, out, "--percentile", "101"),
        calibrate("options", "an unknown method", cnn, slice, out, "--methods", "minmax,kl"),
        calibrate("options", "a 4-bit block size MLAS has no kernel for", cnn, slice, out,
            "--weight-type", "int4", "--weight-block-size", "24"),
        calibrate("options", "`--tensor-overrides` entry with a scale but no zero point", cnn,
            slice, out, "--tensor-overrides", t("scale-only.json")),
        calibrate("options", "`--tensor-overrides` names a tensor the model does not quantize",
            cnn, slice, out, "--tensor-overrides", t("unknown-tensor.json")),
        new Case("options", "validate with nothing to validate", List.of("validate", "--model",
            cnn, "--data", slice, "--out", t("val-out"))));
  }

  @Test
  void everyCaseIsExit2WithOneLineAndTheDocumentSaysSo() throws IOException {
    StringBuilder doc = new StringBuilder(HEADER);
    String group = "";
    for (Case c : cases()) {
      String line = refused(c);
      if (!c.group().equals(group)) {
        group = c.group();
        doc.append("\n| ").append(group).append(" | | |\n");
      }
      doc.append("| ").append(c.what()).append(" | `").append(c.args().get(0)).append("` | ")
          .append(normalize(line).replace("|", "\\|")).append(" |\n");
    }
    String text = doc.toString();
    Path generated = Path.of("target/BAD_INPUTS.md");
    Files.writeString(generated, text, StandardCharsets.UTF_8);
    if (Boolean.getBoolean("qcal.writeDocs")) {
      Files.writeString(DOC, text, StandardCharsets.UTF_8);
    }
    assertTrue(Files.exists(DOC), DOC + " is missing; generate it (see this class's comment)");
    assertEquals(Files.readString(DOC, StandardCharsets.UTF_8), text, DOC + " differs from "
        + "what qcal prints now (" + generated.toAbsolutePath() + "); regenerate it (see this "
        + "class's comment)");
  }

  @Test
  void aRunHoldingTheOutputFolderRefusesASecond() throws IOException {
    try (AtomicOutputDir other = AtomicOutputDir.reserve(t("held"), false, "calibrate",
        List.of(), new Configuration())) {
      String line = refused(calibrate("output", "held", cnn, slice, t("held")));
      assertTrue(line.contains("is being written by another qcal run"), line);
    }
  }

  private static String refused(Case c) {
    StringWriter err = new StringWriter();
    int exit = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true),
        c.args().toArray(String[]::new));
    List<String> lines = err.toString().lines().toList();
    assertEquals(ExitCode.BAD_INPUT, exit, c.what() + ": " + err);
    assertEquals(1, lines.size(), c.what() + ": one line, got\n" + err);
    assertTrue(lines.get(0).startsWith("qcal: "), lines.get(0));
    assertTrue(!Files.exists(tmp.resolve("out")) && !Files.exists(tmp.resolve("val-out")),
        c.what() + ": nothing written");
    return lines.get(0);
  }

  /** The line with this machine's paths replaced by names a reader can follow. */
  private static String normalize(String line) {
    String home = System.getProperty("user.home");
    return line
        .replace("file://" + tmp, "file://<tmp>").replace("file:" + tmp, "file:<tmp>")
        .replace(tmp.toString(), "<tmp>")
        .replace(TestPaths.MODELS.normalize().toString(), "<models>")
        .replace(Path.of(slice).getParent().toString(), "<data>")
        .replace(Path.of("").toAbsolutePath().toString(), "<cwd>")
        .replace("(" + home + ")", "(<home>)").replace(" " + home + " ", " <home> ")
        .replaceAll("part-00000-[0-9a-f-]+-c000", "part-00000-<id>-c000");
  }

  private static final String HEADER = """
      # Bad input: what qcal refuses, and the line it prints

      Each row below is a bad input that `qcal` refuses with exit code 2 and exactly one line
      on stderr, before anything is written (docs/DESIGN.md, "Exit codes"). The table is
      generated by `jobs/src/test/java/org/qcal/jobs/BadInputTableTest.java`, which runs every
      case and fails when this file differs from what qcal prints, so it cannot drift. Paths:
      `<tmp>` is the test's fixture folder, `<models>` and `<data>` the shipped test models and
      data, `<cwd>` the working folder, `<home>` the home folder.

      A second run on an output folder that another run is still writing is refused too, with
      `output folder … is being written by another qcal run (run …, host …, pid …; lock …)`.

      | case | command | qcal prints (exit 2) |
      |---|---|---|
      """;
}
