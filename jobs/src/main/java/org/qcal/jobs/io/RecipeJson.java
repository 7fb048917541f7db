package org.qcal.jobs.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.qcal.QcalException;
import org.qcal.calib.CalibrationMethod;
import org.qcal.jobs.api.Defaults;
import org.qcal.jobs.api.Recipe;
import org.qcal.quant.QuantType;

/**
 * A {@link Recipe} as calibration.json stores it: {@code method}, {@code percentile}, {@code
 * activationType}, {@code symmetricActivations}, {@code weightType}, {@code perChannel}, {@code
 * weightBlockSize}, {@code floatNodes}, {@code floatOpTypes}, {@code tensorMethods} (tensor to
 * method id), {@code biasCorrection}, {@code tensorOverrides} ({@link TensorOverridesJson}'s
 * form). Every field is written, so reading never falls back to a default that may change
 * between versions. Files written before {@code biasCorrection} existed applied the file's bias
 * shifts to every export, so a missing field reads as true (no shifts, no change); files older
 * than {@code tensorOverrides} read as none.
 */
final class RecipeJson {
  private RecipeJson() {}

  /** Adds the recipe's fields to {@code node} and returns it. */
  static ObjectNode write(Recipe r, ObjectNode node) {
    node.put("method", r.method().id());
    node.put("percentile", r.percentile());
    node.put("activationType", r.activationType().toString());
    node.put("symmetricActivations", r.symmetricActivations());
    node.put("weightType", r.weightType().toString());
    node.put("perChannel", r.perChannel());
    node.put("weightBlockSize", r.weightBlockSize());
    ArrayNode nodes = node.putArray("floatNodes");
    r.floatNodes().forEach(nodes::add);
    ArrayNode ops = node.putArray("floatOpTypes");
    r.floatOpTypes().forEach(ops::add);
    ObjectNode methods = node.putObject("tensorMethods");
    r.tensorMethods().forEach((tensor, m) -> methods.put(tensor, m.id()));
    node.put("biasCorrection", r.biasCorrection());
    TensorOverridesJson.write(r.tensorOverrides(), node.putObject("tensorOverrides"));
    return node;
  }

  /** Reads what {@link #write} wrote; {@code where} names it in messages. */
  static Recipe read(JsonNode node, String where) {
    try {
      Recipe.Builder b = Recipe.builder()
          .method(CalibrationMethod.parse(text(node, "method", where)))
          .percentile(required(node, "percentile", where).asDouble())
          .activationType(QuantType.parse(text(node, "activationType", where)))
          .symmetricActivations(required(node, "symmetricActivations", where).asBoolean())
          .weightType(QuantType.parse(text(node, "weightType", where)))
          .perChannel(required(node, "perChannel", where).asBoolean())
          // Absent before 4-bit weights existed, when the recipes' weights were all 8-bit.
          .weightBlockSize(node.path("weightBlockSize").asInt(Defaults.WEIGHT_BLOCK_SIZE))
          .floatNodes(strings(node.path("floatNodes")))
          .floatOpTypes(strings(node.path("floatOpTypes")))
          .biasCorrection(node.path("biasCorrection").asBoolean(true));
      for (Iterator<Map.Entry<String, JsonNode>> it = node.path("tensorMethods").fields();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        b.tensorMethod(e.getKey(), CalibrationMethod.parse(e.getValue().asText()));
      }
      if (node.has("tensorOverrides")) {
        b.tensorOverrides(TensorOverridesJson.read(node.get("tensorOverrides"),
            "tensorOverrides"));
      }
      return b.build();
    } catch (QcalException e) {
      throw new QcalException(where + ": " + e.getMessage(), e);
    }
  }

  static String text(JsonNode node, String field, String where) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) {
      throw new QcalException(where + ": field '" + field + "' is missing");
    }
    return v.asText();
  }

  private static JsonNode required(JsonNode node, String field, String where) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw new QcalException(where + ": field '" + field + "' is missing");
    }
    return v;
  }

  private static List<String> strings(JsonNode array) {
    List<String> list = new ArrayList<>();
    array.forEach(n -> list.add(n.asText()));
    return list;
  }
}
