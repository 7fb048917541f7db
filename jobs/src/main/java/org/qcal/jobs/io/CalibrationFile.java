package org.qcal.jobs.io;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.qcal.QcalException;
import org.qcal.jobs.api.BiasShifts;
import org.qcal.jobs.api.Recipe;
import org.qcal.jobs.api.SmoothingScales;
import org.qcal.quant.QuantParams;
import org.qcal.quant.QuantType;

/**
 * What a calibration.json ({@link CalibrationJson}) says about its exports: the FP32 model's
 * digest and, per export, its name, recipe, the sha256 of the model it gave and the activation
 * parameters it carries, read back exactly (decimals as written, one rounding to float32).
 *
 * @param path the file, for messages
 * @param modelSha256 the digest of the FP32 model it was made from
 * @param exports in the file's order
 * @param chosen the name of the export written as model.int8.onnx
 * @param biasShifts bias correction's shifts, folded into every export
 * @param smoothing SmoothQuant's scales, folded into the graph before every export
 */
public record CalibrationFile(String path, String modelSha256, List<StoredExport> exports,
    String chosen, BiasShifts biasShifts, SmoothingScales smoothing) {

  /** The file read from a calibrate or tune output folder. */
  public static final String FILE = CalibrationOutputs.CALIBRATION_JSON;

  /**
   * One export as stored.
   *
   * @param params tapped tensor to its activation parameters
   */
  public record StoredExport(String name, Recipe recipe, String sha256,
      Map<String, QuantParams> params) {}

  /** Reads {@code dir/calibration.json} through Hadoop's FileSystem. */
  public static CalibrationFile read(String dir, Configuration conf) {
    Path file = new Path(dir, FILE);
    byte[] json;
    try {
      FileSystem fs = file.getFileSystem(conf);
      try (InputStream in = fs.open(file)) {
        json = in.readAllBytes();
      }
    } catch (FileNotFoundException e) {
      throw new QcalException("calibration " + dir + ": no " + FILE + " in it (is it the"
          + " output folder of qcal calibrate or tune?)");
    } catch (IOException e) {
      throw new QcalException("calibration " + dir + ": cannot read " + FILE + ": "
          + e.getMessage(), e);
    }
    return parse(json, file.toString());
  }

  /** Parses the bytes of a calibration.json; {@code path} names it in messages. */
  public static CalibrationFile parse(byte[] json, String path) {
    JsonNode root;
    try {
      // Decimals as written, so each float scale reads back exactly (one rounding, to float).
      root = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .readTree(json);
    } catch (IOException e) {
      throw new QcalException(path + ": not JSON: " + e.getMessage(), e);
    }
    return parse(root, path);
  }

  /** Parses a calibration.json tree; {@code path} names it in messages. */
  public static CalibrationFile parse(JsonNode root, String path) {
    String schema = RecipeJson.text(root, "schema", path);
    if (!CalibrationJson.SCHEMA.equals(schema)) {
      throw new QcalException(path + ": schema is '" + schema + "', expected "
          + CalibrationJson.SCHEMA + " (calibrate again with this version of qcal)");
    }
    String sha = RecipeJson.text(root.path("model"), "sha256", path);
    Map<String, Map<String, QuantParams>> params = new LinkedHashMap<>();
    JsonNode tensors = root.path("tensors");
    if (!tensors.isArray() || tensors.isEmpty()) {
      throw new QcalException(path + ": has no tensors");
    }
    for (JsonNode tensor : tensors) {
      String name = RecipeJson.text(tensor, "name", path);
      for (Iterator<Map.Entry<String, JsonNode>> it = tensor.path("params").fields();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        params.computeIfAbsent(e.getKey(), k -> new LinkedHashMap<>())
            .put(name, param(e.getValue(), path, name, e.getKey()));
      }
    }
    List<StoredExport> exports = new ArrayList<>();
    JsonNode recipes = root.path("recipes");
    if (!recipes.isArray() || recipes.isEmpty()) {
      throw new QcalException(path + ": has no recipes");
    }
    for (JsonNode r : recipes) {
      String name = RecipeJson.text(r, "name", path);
      Recipe recipe = RecipeJson.read(r, path + " recipe " + name);
      exports.add(new StoredExport(name, recipe, RecipeJson.text(r, "sha256", path),
          params.getOrDefault(name, Map.of())));
    }
    return new CalibrationFile(path, sha, List.copyOf(exports),
        RecipeJson.text(root, "chosen", path), biasShifts(root.path("biasShifts"), path),
        smoothing(root.path("smoothQuant"), path));
  }

  /** Bias correction's shifts as CalibrationJson writes them; none when absent. */
  private static BiasShifts biasShifts(JsonNode nodes, String path) {
    if (nodes.isMissingNode()) {
      return BiasShifts.NONE;
    }
    Map<Integer, float[]> byNode = new LinkedHashMap<>();
    Map<Integer, String> labels = new LinkedHashMap<>();
    for (JsonNode n : nodes) {
      if (!n.path("node").isInt() || !n.path("shift").isArray()) {
        throw new QcalException(path + ": biasShifts entries need a node index and a shift array");
      }
      int node = n.get("node").asInt();
      byNode.put(node, floats(n.get("shift")));
      labels.put(node, n.path("name").asText());
    }
    return new BiasShifts(byNode, labels);
  }

  /** SmoothQuant's scales as CalibrationJson writes them; none when absent. */
  private static SmoothingScales smoothing(JsonNode node, String path) {
    if (node.isMissingNode()) {
      return SmoothingScales.NONE;
    }
    List<SmoothingScales.Site> sites = new ArrayList<>();
    for (JsonNode n : node.path("sites")) {
      if (!n.path("input").isTextual() || !n.path("nodes").isArray()
          || !n.path("scale").isArray()) {
        throw new QcalException(path + ": smoothQuant sites need an input, nodes and a scale");
      }
      List<Integer> linears = new ArrayList<>();
      n.get("nodes").forEach(i -> linears.add(i.asInt()));
      sites.add(new SmoothingScales.Site(n.get("input").asText(), linears,
          floats(n.get("scale")), floats(n.path("activationMax"))));
    }
    return new SmoothingScales(node.path("alpha").asDouble(), sites);
  }

  /** Decimals as written, one rounding to float. */
  private static float[] floats(JsonNode values) {
    float[] f = new float[values.size()];
    for (int c = 0; c < f.length; c++) {
      f[c] = values.get(c).decimalValue().floatValue();
    }
    return f;
  }

  private static QuantParams param(JsonNode node, String path, String tensor, String export) {
    try {
      QuantType type = QuantType.parse(node.path("type").asText());
      if (!node.has("scale") || !node.has("zeroPoint")) {
        throw new QcalException("scale and zeroPoint are required");
      }
      return QuantParams.of(node.get("scale").decimalValue().floatValue(),
          node.get("zeroPoint").asInt(), type);
    } catch (QcalException e) {
      throw new QcalException(path + ": params of tensor '" + tensor + "' for " + export + ": "
          + e.getMessage(), e);
    }
  }
}
