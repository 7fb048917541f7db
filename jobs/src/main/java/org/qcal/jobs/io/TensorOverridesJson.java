package org.qcal.jobs.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.qcal.QcalException;
import org.qcal.jobs.api.BadArgument;
import org.qcal.jobs.api.TensorOverride;
import org.qcal.quant.QuantType;

/**
 * Per-tensor overrides as JSON, in the form of ONNX Runtime's {@code TensorQuantOverrides}
 * (onnxruntime/python/tools/quantization/quantize.py): an object whose keys are tensor names and
 * whose values are a list of one object (per tensor; ONNX Runtime's lists of one object per
 * channel are refused) with the keys {@code quant_type}, {@code symmetric}, {@code
 * reduce_range}, {@code rmin}, {@code rmax}, {@code scale}, {@code zero_point}:
 *
 * <pre>
 * {"/attention/Softmax_output_0": [{"quant_type": "uint16"}],
 *  "input": [{"rmin": 0.0, "rmax": 1.0}],
 *  "logits": [{"scale": 0.05, "zero_point": 128}]}
 * </pre>
 *
 * <p>{@code quant_type} takes qcal's names (uint8, int8, uint16, int16) and ONNX Runtime's
 * (QUInt8, QInt8, QUInt16, QInt16). calibration.json's recipes store overrides in the same form.
 */
public final class TensorOverridesJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Set<String> KEYS = Set.of("quant_type", "symmetric", "reduce_range",
      "rmin", "rmax", "scale", "zero_point");

  private TensorOverridesJson() {}

  /**
   * Parses {@code json}; a bad text or entry fails naming {@code source} (what the text came
   * from, e.g. {@code --tensor-overrides o.json}) and the entry.
   */
  public static Map<String, TensorOverride> parse(byte[] json, String source) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new QcalException(source + ": not JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw new QcalException(source + ": " + e.getMessage(), e);
    }
    return read(root, source);
  }

  /** Reads an object of overrides; {@code where} starts every message. */
  static Map<String, TensorOverride> read(JsonNode root, String where) {
    if (root == null || !root.isObject()) {
      throw new QcalException(where + ": must be a JSON object of tensor name to overrides");
    }
    Map<String, TensorOverride> overrides = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      try {
        overrides.put(e.getKey(), entry(e.getValue()));
      } catch (BadArgument bad) {
        throw new QcalException(where + ": entry '" + e.getKey() + "': " + bad.argument() + " "
            + bad.problem());
      } catch (QcalException bad) {
        throw new QcalException(where + ": entry '" + e.getKey() + "': " + bad.getMessage());
      }
    }
    return overrides;
  }

  private static TensorOverride entry(JsonNode value) {
    JsonNode o = value;
    if (value.isArray()) {
      if (value.size() != 1) {
        throw new QcalException("must be a list of one object (per-tensor overrides), got "
            + value.size() + " objects");
      }
      o = value.get(0);
    }
    if (!o.isObject()) {
      throw new QcalException("must be an object, or a list of one object");
    }
    for (Iterator<String> names = o.fieldNames(); names.hasNext(); ) {
      String key = names.next();
      if (!KEYS.contains(key)) {
        throw new QcalException("key '" + key + "' is not supported; the keys are "
            + new java.util.TreeSet<>(KEYS));
      }
    }
    return new TensorOverride(type(o.get("quant_type")), bool(o, "symmetric"),
        bool(o, "reduce_range"), number(o, "rmin"), number(o, "rmax"),
        o.has("scale") ? number(o, "scale").floatValue() : null, integer(o, "zero_point"));
  }

  private static QuantType type(JsonNode v) {
    if (v == null) {
      return null;
    }
    if (!v.isTextual()) {
      throw new QcalException("quant_type must be a string, got " + v);
    }
    String name = v.asText().trim();
    // ONNX Runtime's QuantType names: QInt8, QUInt8, QInt16, QUInt16.
    if (name.startsWith("Q") || name.startsWith("q")) {
      name = name.substring(1);
    }
    return QuantType.parse(name, org.qcal.onnx.QdqExporter.ACTIVATION_TYPES, "quant_type");
  }

  private static Boolean bool(JsonNode o, String key) {
    return value(o, key, JsonNode::isBoolean, "true or false", JsonNode::asBoolean);
  }

  private static Double number(JsonNode o, String key) {
    return value(o, key, JsonNode::isNumber, "a number", JsonNode::asDouble);
  }

  private static Integer integer(JsonNode o, String key) {
    return value(o, key, v -> v.isIntegralNumber() && v.canConvertToInt(), "an integer",
        JsonNode::asInt);
  }

  /** {@code o.key} read by {@code get}, null when absent, refused unless {@code ok}. */
  private static <T> T value(JsonNode o, String key, java.util.function.Predicate<JsonNode> ok,
      String expected, java.util.function.Function<JsonNode, T> get) {
    JsonNode v = o.get(key);
    if (v == null) {
      return null;
    }
    if (!ok.test(v)) {
      throw new QcalException(key + " must be " + expected + ", got " + v);
    }
    return get.apply(v);
  }

  /** The overrides as {@link #read} reads them: every given key, in a list of one object. */
  static ObjectNode write(Map<String, TensorOverride> overrides, ObjectNode into) {
    overrides.forEach((tensor, o) -> {
      ArrayNode list = into.putArray(tensor);
      ObjectNode n = list.addObject();
      if (o.type() != null) {
        n.put("quant_type", o.type().toString());
      }
      if (o.symmetric() != null) {
        n.put("symmetric", o.symmetric());
      }
      if (o.reduceRange() != null) {
        n.put("reduce_range", o.reduceRange());
      }
      if (o.rmin() != null) {
        n.put("rmin", o.rmin());
      }
      if (o.rmax() != null) {
        n.put("rmax", o.rmax());
      }
      if (o.scale() != null) {
        n.put("scale", o.scale());
        n.put("zero_point", o.zeroPoint());
      }
    });
    return into;
  }
}
