package org.qcal.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The trained test models (tools/make_test_models.py) give PyTorch's logits in ORT through DJL.
 * The two input images are models/tiny/fashion_t10k_0_1.f32 (the rows expected_logits.json was
 * computed on). Skipped while a model or expected_logits.json is not generated yet.
 */
class TrainedModelLogitsTest {
  private static final double TOLERANCE = 1e-4;

  @ParameterizedTest
  @ValueSource(strings = {"cnn", "mlp", "residual"})
  void logitsMatchPyTorch(String name) {
    JsonObject expected = expected(name);
    ModelSource model = model(expected);
    float[] pixels = TestModels.fashionImages01();
    long[] shape = shape(expected.getAsJsonArray("input_shape"));
    JsonArray rows = expected.getAsJsonArray("logits");
    try (ModelRunner runner = ModelRunner.open(model, RuntimeOptions.DEFAULTS)) {
      String input = runner.signature().inputs().get(0).name();
      String output = runner.signature().outputs().get(0).name();
      ModelOutputs out = runner.setFloats(input, pixels, shape).run();
      assertArrayEquals(new long[] {2, 10}, out.shape(output));
      float[] logits = out.floats(output);
      for (int r = 0; r < 2; r++) {
        JsonArray row = rows.get(r).getAsJsonArray();
        for (int c = 0; c < 10; c++) {
          assertEquals(row.get(c).getAsDouble(), logits[r * 10 + c], TOLERANCE,
              name + " image " + r + " class " + c);
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"cnn", "residual"})
  void batchOf64GivesEachRowTheLogitsOfBatch2(String name) {
    JsonObject expected = expected(name);
    ModelSource model = model(expected);
    float[] two = TestModels.fashionImages01();
    float[] batch = new float[64 * 784];
    for (int r = 0; r < 64; r++) {
      System.arraycopy(two, (r % 2) * 784, batch, r * 784, 784);
    }
    try (ModelRunner runner = ModelRunner.open(model, RuntimeOptions.DEFAULTS)) {
      String input = runner.signature().inputs().get(0).name();
      String output = runner.signature().outputs().get(0).name();
      float[] reference = runner.setFloats(input, two, 2, 1, 28, 28).run().floats(output);
      long[] shape = runner.signature().input(input).shapeForBatch(64);
      float[] logits = runner.setFloats(input, batch, shape).run().floats(output);
      for (int r = 0; r < 64; r++) {
        for (int c = 0; c < 10; c++) {
          assertEquals(reference[(r % 2) * 10 + c], logits[r * 10 + c], 1e-5,
              name + " row " + r + " class " + c);
        }
      }
    }
  }

  private static JsonObject expected(String name) {
    byte[] json = TestModels.optional("expected_logits.json");
    assumeTrue(json != null, "expected_logits.json not generated yet");
    JsonObject models = JsonParser.parseString(new String(json, StandardCharsets.UTF_8))
        .getAsJsonObject().getAsJsonObject("models");
    assumeTrue(models != null && models.has(name), name + " not in expected_logits.json");
    return models.getAsJsonObject(name);
  }

  private static ModelSource model(JsonObject expected) {
    String file = expected.get("file").getAsString();
    byte[] bytes = TestModels.optional(file);
    assumeTrue(bytes != null, file + " not generated yet");
    return ModelSource.of(file, bytes);
  }

  private static long[] shape(JsonArray dims) {
    long[] shape = new long[dims.size()];
    int i = 0;
    for (JsonElement d : dims) {
      shape[i++] = d.getAsLong();
    }
    return shape;
  }
}
