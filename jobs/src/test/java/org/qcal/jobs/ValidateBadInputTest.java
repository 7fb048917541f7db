package org.qcal.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qcal.ElementType;
import org.qcal.jobs.cli.ExitCode;
import org.qcal.onnx.OnnxModel;
import org.qcal.onnx.proto.Onnx.ModelProto;
import org.qcal.onnx.proto.Onnx.TypeProto;
import org.qcal.onnx.proto.Onnx.ValueInfoProto;

/** validate refuses bad input with exit code 2, one line naming the problem, and no output. */
class ValidateBadInputTest {
  @TempDir static Path tmp;
  private static SparkSession spark;
  private static final String CNN = TestPaths.model("cnn.onnx");

  @BeforeAll
  static void start() {
    spark = JobsTestSpark.start("ValidateBadInputTest", 1);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void aMissingLabelColumnIsNamed() {
    String line = refused("--model", CNN, "--quantized", CNN, "--data", TestPaths.slice(),
        "--label", "klass");
    assertTrue(line.contains("label column 'klass' not found"), line);
  }

  @Test
  void labelsOutsideTheClassRangeAreNamed() {
    Path data = tmp.resolve("shifted.parquet");
    // Labels 0..9 become 5..14: the first row with label >= 5 is outside [0, 10).
    spark.read().parquet(TestPaths.slice()).limit(64)
        .withColumn("label", functions.col("label").plus(5))
        .coalesce(1).write().parquet(data.toString());
    String line = refused("--model", CNN, "--quantized", CNN, "--data", data.toString(),
        "--label", "label", "--no-tensor-errors");
    assertTrue(line.contains("label column 'label'") && line.contains("outside the class range"
        + " [0, 10) of output 'logits'"), line);
  }

  @Test
  void top1OnAModelWithoutClassScoresIsNamed() throws Exception {
    // The CNN cut at its first Relu: the output is [batch, 16, 28, 28], not class scores.
    ModelProto cnn = OnnxModel.load(Path.of(CNN)).proto();
    ModelProto cut = cnn.toBuilder().setGraph(cnn.getGraph().toBuilder().clearOutput()
        .addOutput(ValueInfoProto.newBuilder().setName("/Relu_output_0").setType(
            TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(ElementType.FLOAT32.code()))))).build();
    Path model = tmp.resolve("features.onnx");
    Files.write(model, cut.toByteArray());
    String line = refused("--model", model.toString(), "--quantized", model.toString(),
        "--data", TestPaths.slice(), "--metric", "top1", "--label", "label");
    assertTrue(line.contains("--metric top1 needs class scores, but output '/Relu_output_0'"),
        line);
  }

  @Test
  void aQuantizedModelWithOtherInputsIsNamed() {
    String line = refused("--model", CNN, "--quantized", TestPaths.model("mlp.onnx"),
        "--data", TestPaths.slice());
    assertEquals("qcal: quantized model 'mlp.onnx': input 'input' is float32 [-1, 784], the FP32"
        + " model's is float32 [-1, 1, 28, 28]", line);
  }

  @Test
  void top1WithoutLabelsIsRefused() {
    String line = refused("--model", CNN, "--quantized", CNN, "--data", TestPaths.slice(),
        "--metric", "top1");
    assertTrue(line.contains("--metric top1 compares predictions with labels"), line);
  }

  /** Runs validate, expects exit code 2 and no output folder, returns the one line printed. */
  private static String refused(String... args) {
    Path out = tmp.resolve("out-" + System.nanoTime());
    String[] all = new String[args.length + 5];
    all[0] = "validate";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--limit";
    all[args.length + 2] = "64";
    all[args.length + 3] = "--out";
    all[args.length + 4] = out.toString();
    Cli run = Cli.run(all);
    assertEquals(ExitCode.BAD_INPUT, run.exitCode(), run.err());
    String[] lines = run.err().strip().split("\n");
    assertEquals(1, lines.length, run.err());
    assertTrue(lines[0].startsWith("qcal: "), lines[0]);
    assertFalse(Files.exists(out), "nothing written");
    return lines[0];
  }
}
