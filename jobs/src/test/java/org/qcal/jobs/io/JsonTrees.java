package org.qcal.jobs.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Reading written JSON back in tests: the tree, and an object's field names in order. */
final class JsonTrees {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonTrees() {}

  static JsonNode parse(byte[] bytes) throws IOException {
    return JSON.readTree(bytes);
  }

  /** The expected tree, written as JSON text. */
  static JsonNode parse(String text) throws IOException {
    return JSON.readTree(text);
  }

  static List<String> fields(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
