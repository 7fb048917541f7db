package org.qcal.jobs.validate;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.qcal.QcalException;
import org.qcal.onnx.BatchNormFolding;
import org.qcal.onnx.CalibrationPlan;
import org.qcal.onnx.GraphAnalyzer;
import org.qcal.onnx.NodeSelection;
import org.qcal.onnx.OnnxModel;
import org.qcal.onnx.WeightQuantization;
import org.qcal.quant.QuantParams;
import org.qcal.quant.QuantType;
import org.qcal.runtime.ModelDigest;

/**
 * The candidates of a calibrate output folder: one QDQ export of the FP32 model per method found
 * in its {@code calibration.json} (schema {@code qcal.calibration/1}), with that method's
 * per-tensor activation params and the run's weight settings, named by the method id.
 */
public final class CalibrationCandidates {
  /** The file read from the folder. */
  public static final String FILE = "calibration.json";
  static final String SCHEMA = "qcal.calibration/1";

  private CalibrationCandidates() {}

  /**
   * What a calibration.json says about the params.
   *
   * @param path the file, for messages and sources
   * @param modelSha256 the digest of the FP32 model it was made from
   * @param weights the weight settings of the run
   * @param params method id -> tapped tensor -> activation params, in the file's order
   * @param selection the nodes the run quantized (its --exclude-* options)
   */
  public record CalibrationFile(String path, String modelSha256, WeightQuantization weights,
      Map<String, Map<String, QuantParams>> params, NodeSelection selection) {}

  /** Reads {@code dir/calibration.json} through Hadoop's FileSystem. */
  public static CalibrationFile read(String dir, Configuration conf) {
    Path file = new Path(dir, FILE);
    JsonNode root;
    try {
      FileSystem fs = file.getFileSystem(conf);
      try (InputStream in = fs.open(file)) {
        // Decimals as written, so each float scale reads back exactly (one rounding, to float).
        root = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .readTree(in);
      }
    } catch (FileNotFoundException e) {
      throw new QcalException("--calibration " + dir + ": no " + FILE + " in it (is it the"
          + " output folder of qcal calibrate?)");
    } catch (IOException e) {
      throw new QcalException("--calibration " + dir + ": cannot read " + FILE + ": "
          + e.getMessage(), e);
    }
    return parse(root, file.toString());
  }

  /** Parses a calibration.json tree; {@code path} names it in messages. */
  static CalibrationFile parse(JsonNode root, String path) {
    String schema = text(root, "schema", path);
    if (!SCHEMA.equals(schema)) {
      throw new QcalException(path + ": schema is '" + schema + "', expected " + SCHEMA);
    }
    String sha = text(root.path("model"), "sha256", path);
    JsonNode settings = root.path("settings");
    QuantType weightType = QuantType.parse(text(settings, "weightType", path));
    boolean perChannel = settings.path("perChannel").asBoolean(true);
    WeightQuantization weights = new WeightQuantization(weightType, perChannel, true, false);
    List<String> methods = new ArrayList<>();
    settings.path("methods").forEach(m -> methods.add(m.asText()));
    Map<String, Map<String, QuantParams>> params = new LinkedHashMap<>();
    methods.forEach(m -> params.put(m, new LinkedHashMap<>()));
    JsonNode tensors = root.path("tensors");
    if (!tensors.isArray() || tensors.isEmpty()) {
      throw new QcalException(path + ": has no tensors");
    }
    for (JsonNode tensor : tensors) {
      String name = text(tensor, "name", path);
      for (Iterator<Map.Entry<String, JsonNode>> it = tensor.path("params").fields();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        params.computeIfAbsent(e.getKey(), k -> new LinkedHashMap<>())
            .put(name, param(e.getValue(), path, name, e.getKey()));
      }
    }
    params.values().removeIf(Map::isEmpty);
    if (params.isEmpty()) {
      throw new QcalException(path + ": no method has params");
    }
    List<String> excludeNodes = new ArrayList<>();
    settings.path("excludeNodes").forEach(n -> excludeNodes.add(n.asText()));
    List<String> excludeOpTypes = new ArrayList<>();
    settings.path("excludeOpTypes").forEach(n -> excludeOpTypes.add(n.asText()));
    return new CalibrationFile(path, sha, weights, params,
        NodeSelection.ALL.excludeNodes(excludeNodes).excludeOpTypes(excludeOpTypes));
  }

  /**
   * One candidate per method of {@code file}: the FP32 model as calibrate quantized it
   * ({@code folded}: BatchNormalization folded into the Convs) exported with that method's
   * params. Fails unless the file was made from this model ({@code fp32Sha256}, the digest of
   * the user's file).
   */
  public static List<Candidate> candidates(CalibrationFile file, BatchNormFolding.Result folded,
      String fp32Sha256) {
    OnnxModel fp32 = folded.model();
    if (!file.modelSha256().equals(fp32Sha256)) {
      throw new QcalException(file.path() + " was made from a model with sha256 "
          + ModelDigest.shortForm(file.modelSha256()) + ", but --model " + fp32.name()
          + " has sha256 " + ModelDigest.shortForm(fp32Sha256));
    }
    // The plan calibrate used: the same analysis of the same folded model.
    CalibrationPlan plan = GraphAnalyzer.analyze(fp32,
        file.selection().withRemovedNodes(folded.foldedNodes()), true);
    List<Candidate> candidates = new ArrayList<>();
    for (Map.Entry<String, Map<String, QuantParams>> e : file.params().entrySet()) {
      candidates.add(Candidate.export(e.getKey(), file.path() + "#" + e.getKey(), fp32, plan,
          e.getValue(), file.weights()));
    }
    return candidates;
  }

  private static QuantParams param(JsonNode node, String path, String tensor, String method) {
    try {
      QuantType type = QuantType.parse(node.path("type").asText());
      if (!node.has("scale") || !node.has("zeroPoint")) {
        throw new QcalException("scale and zeroPoint are required");
      }
      return QuantParams.of(node.get("scale").decimalValue().floatValue(),
          node.get("zeroPoint").asInt(), type);
    } catch (QcalException | UncheckedIOException e) {
      throw new QcalException(path + ": params of tensor '" + tensor + "' for method " + method
          + ": " + e.getMessage(), e);
    }
  }

  private static String text(JsonNode node, String field, String path) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) {
      throw new QcalException(path + ": field '" + field + "' is missing");
    }
    return v.asText();
  }
}
