package org.qcal.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
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
import org.qcal.jobs.io.TensorRtCache;
import org.qcal.jobs.validate.QdqTensors;
import org.qcal.onnx.OnnxModel;
import org.qcal.runtime.ModelDigest;

/**
 * The three descriptions of the exported model agree: for every quantized activation, the
 * scale and zero point in model.int8.onnx's Q node, the chosen parameters in calibration.json
 * and the TensorRT cache's scale (amax / 127) are the same, and the same tensors appear in all
 * three; and {@code validate --calibration} rebuilds every candidate with the sha256
 * calibration.json records. For calibrate, for a tune whose winner has symmetric activations and
 * one whose winner keeps nodes in float.
 */
class OutputConsistencyTest {
  private static SparkSession spark;
  @TempDir static Path tmp;

  @BeforeAll
  static void start() {
    spark = JobsTestSpark.start("OutputConsistencyTest", 1);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void calibrateOutputsAgree() throws Exception {
    Path out = tmp.resolve("calibrate");
    ok(Cli.run("calibrate", "--model", TestPaths.model("cnn.onnx"), "--data", TestPaths.slice(),
        "--limit", "300", "--methods", "minmax,percentile,mse", "--out", out.toString()));
    JsonNode json = agree(out);
    assertEquals(3, json.get("recipes").size(), "one export per method");
    rebuilt(TestPaths.model("cnn.onnx"), out, TestPaths.slice());
  }

  @Test
  void tuneWithASymmetricWinnerWritesTheWinnersParameters() throws Exception {
    // y = x W with W the 8x8 identity and x in {-1, +1}: symmetric int8 holds +-1 exactly
    // (scale 1/127, q = +-127), asymmetric int8 cannot (scale 2/255, zero point 0: +1 -> 127.5
    // rounds to 128 and clips to 127, -1 -> -128; error 1/255 on every value, about 48 dB).
    float[] identity = new float[64];
    for (int i = 0; i < 8; i++) {
      identity[i * 8 + i] = 1f;
    }
    String model = new TinyModels().input("x", -1, 8).output("y", -1, 8)
        .weight("w", identity, 8, 8).node("MatMul", List.of("x", "w"), "y")
        .write(tmp.resolve("identity.onnx"));
    String data = signs();
    Path out = tmp.resolve("tune-sym");
    ok(Cli.run("tune", "--model", model, "--calib-data", data, "--val-data", data,
        "--activation-type", "int8", "--methods", "minmax", "--metric", "sqnr", "--out",
        out.toString()));
    JsonNode json = agree(out);
    assertEquals("minmax-sym", json.get("chosen").asText());
    assertTrue(recipe(json, "minmax-sym").get("symmetricActivations").asBoolean());
    rebuilt(model, out, data);
  }

  @Test
  void tuneWithAFloatFallbackWinnerWritesTheWinnersParameters() throws Exception {
    Path out = tmp.resolve("tune-float");
    // No int8 model reaches 200 dB: the fallback keeps one tensor's producer in float and its
    // step is what tune writes (exit 3, outputs marked failed).
    Cli run = Cli.run("tune", "--model", TestPaths.model("cnn.onnx"), "--calib-data",
        TestPaths.slice(), "--limit", "300", "--val-data", TestPaths.slice(), "--val-limit",
        "200", "--methods", "minmax,percentile", "--metric", "sqnr", "--min-sqnr", "200",
        "--max-float-tensors", "1", "--out", out.toString());
    assertEquals(ExitCode.GATE_FAILED, run.exitCode(), run.err());
    JsonNode json = agree(out);
    String chosen = json.get("chosen").asText();
    assertTrue(chosen.endsWith("+float1"), chosen);
    assertFalse(recipe(json, chosen).get("floatNodes").isEmpty(), json.toString());
    rebuilt(TestPaths.model("cnn.onnx"), out, TestPaths.slice());
  }

  /** Asserts the agreement of the three files in {@code out}; returns calibration.json. */
  private static JsonNode agree(Path out) throws Exception {
    JsonNode json = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .readTree(out.resolve("calibration.json").toFile());
    byte[] modelBytes = Files.readAllBytes(out.resolve("model.int8.onnx"));
    JsonNode chosenRecipe = recipe(json, json.get("chosen").asText());
    assertEquals(ModelDigest.sha256Hex(modelBytes), chosenRecipe.get("sha256").asText(),
        "calibration.json records the sha256 of the model written");

    Map<String, QdqTensors.Pair> inModel = QdqTensors.pairs(
        OnnxModel.fromBytes("model.int8.onnx", modelBytes));
    Map<String, String> inCache = cache(out.resolve("calibration.cache"));
    Map<String, JsonNode> inJson = new TreeMap<>();
    for (JsonNode t : json.get("tensors")) {
      if (t.has("chosen")) {
        t.get("sharedBy").forEach(n -> inJson.put(n.asText(), t.get("chosen")));
      }
    }
    assertFalse(inJson.isEmpty());
    assertEquals(new TreeSet<>(inJson.keySet()), new TreeSet<>(inModel.keySet()),
        "quantized activations: calibration.json vs model.int8.onnx");
    assertEquals(new TreeSet<>(inJson.keySet()), new TreeSet<>(inCache.keySet()),
        "quantized activations: calibration.json vs calibration.cache");
    boolean symmetricInt8 = chosenRecipe.get("symmetricActivations").asBoolean()
        && chosenRecipe.get("activationType").asText().equals("int8");
    for (Map.Entry<String, JsonNode> e : inJson.entrySet()) {
      String tensor = e.getKey();
      JsonNode p = e.getValue();
      float scale = p.get("scale").decimalValue().floatValue();
      var q = inModel.get(tensor).params();
      assertEquals(scale, q.scale(), tensor + ": scale in the model");
      assertEquals(p.get("zeroPoint").asInt(), q.zeroPoint(), tensor + ": zero point");
      assertEquals(p.get("type").asText(), q.type().toString(), tensor + ": type");
      assertEquals(TensorRtCache.hexScale(p.get("amax").asDouble()), inCache.get(tensor),
          tensor + ": the cache's scale is the chosen range's amax / 127");
      // The range is float32, written as a float; amax is its magnitude as a double.
      double amax = Math.max(Math.abs((double) p.get("min").decimalValue().floatValue()),
          Math.abs((double) p.get("max").decimalValue().floatValue()));
      assertEquals(amax, p.get("amax").asDouble(), tensor + ": amax of the chosen range");
      if (symmetricInt8) {
        // Symmetric int8 is TensorRT's own scheme: scale = amax / 127 in both files.
        assertEquals(String.format("%08x", Float.floatToIntBits(q.scale())), inCache.get(tensor),
            tensor + ": symmetric int8 scale in the model and the cache");
        assertEquals(0, q.zeroPoint(), tensor);
      }
    }
    return json;
  }

  /** validate --calibration rebuilds each recorded export with the sha256 recorded. */
  private static void rebuilt(String model, Path out, String data) throws Exception {
    Path validation = out.resolveSibling(out.getFileName() + "-validation");
    ok(Cli.run("validate", "--model", model, "--calibration", out.toString(), "--data", data,
        "--limit", "64", "--metric", "sqnr", "--min-sqnr", "0", "--out", validation.toString()));
    JsonNode json = new ObjectMapper().readTree(out.resolve("calibration.json").toFile());
    JsonNode report = new ObjectMapper().readTree(validation.resolve("validation.json").toFile());
    Map<String, String> recorded = new LinkedHashMap<>();
    json.get("recipes").forEach(r -> recorded.put(r.get("name").asText(),
        r.get("sha256").asText()));
    Map<String, String> validated = new LinkedHashMap<>();
    report.get("candidates").forEach(c -> validated.put(c.get("name").asText(),
        c.get("sha256").asText()));
    assertEquals(new TreeMap<>(recorded), new TreeMap<>(validated));
  }

  private static JsonNode recipe(JsonNode json, String name) {
    for (JsonNode r : json.get("recipes")) {
      if (r.get("name").asText().equals(name)) {
        return r;
      }
    }
    throw new AssertionError("no recipe " + name + " in " + json.get("recipes"));
  }

  /** calibration.cache: tensor -> hex scale (header skipped). */
  private static Map<String, String> cache(Path file) throws Exception {
    Map<String, String> cache = new TreeMap<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertTrue(lines.get(0).startsWith("TRT-"), lines.get(0));
    for (String line : lines.subList(1, lines.size())) {
      int colon = line.lastIndexOf(": ");
      cache.put(line.substring(0, colon), line.substring(colon + 2));
    }
    return cache;
  }

  /** 256 rows of 8 values in {-1, +1}, a fixed pattern (bit j of the row index). */
  private static String signs() {
    List<org.apache.spark.sql.Row> rows = new ArrayList<>();
    for (int i = 0; i < 256; i++) {
      List<Float> x = new ArrayList<>();
      for (int j = 0; j < 8; j++) {
        x.add(((i >> j) & 1) == 0 ? -1f : 1f);
      }
      rows.add(RowFactory.create(x));
    }
    StructType schema = new StructType().add("x",
        DataTypes.createArrayType(DataTypes.FloatType, false), false);
    String path = tmp.resolve("signs.parquet").toString();
    spark.createDataFrame(rows, schema).coalesce(1).write().mode(SaveMode.Overwrite)
        .parquet(path);
    return path;
  }

  private static void ok(Cli run) {
    assertEquals(ExitCode.OK, run.exitCode(), run.err());
  }
}
