package org.qcal.jobs.ml;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.qcal.jobs.api.BadArgument;

/**
 * A Spark ML param whose value is a map of names to names, in order (as SynapseML's {@code
 * ONNXModel.feedDict}): ONNX input to column, output to column. Stored by Spark ML's writers as
 * a JSON object, {@code {"input":"pixels"}}, read back in the same order. Values are unmodifiable
 * copies.
 */
public final class StringMapParam extends Param<Map<String, String>> {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper();

  public StringMapParam(Params parent, String name, String doc) {
    super(parent.uid(), name, doc);
  }

  /** An unmodifiable copy of {@code map} in its order; a null or blank key or value is refused. */
  Map<String, String> copyOf(Map<String, String> map) {
    if (map == null) {
      throw new BadArgument(name(), "must not be null");
    }
    Map<String, String> copy = new LinkedHashMap<>();
    map.forEach((k, v) -> {
      if (k == null || k.isBlank() || v == null || v.isBlank()) {
        throw new BadArgument(name(), "has an empty name in " + k + "=" + v);
      }
      copy.put(k, v);
    });
    return Collections.unmodifiableMap(copy);
  }

  @Override
  public String jsonEncode(Map<String, String> value) {
    ObjectNode node = JSON.createObjectNode();
    value.forEach(node::put);
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + name(), e);
    }
  }

  @Override
  public Map<String, String> jsonDecode(String json) {
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(name() + ": not a JSON object: " + json, e);
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException(name() + ": not a JSON object: " + json);
    }
    Map<String, String> map = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      map.put(e.getKey(), e.getValue().asText());
    }
    return copyOf(map);
  }
}
