package org.qcal.jobs.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The files of a calibrate output folder, for the cluster and HDFS tests. */
public final class CalibrationFiles {
  /** The outputs that must not depend on where or how the job ran, sorted by name. */
  public static final List<String> OUTPUTS =
      List.of("calibration.cache", "calibration.json", "model.int8.onnx");

  private CalibrationFiles() {}

  /** The folder's entries by name, hidden ones included, sorted. */
  public static List<String> names(Path dir) {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** calibration.json without the two paths it names (the model's and the data's). */
  public static JsonNode withoutPaths(byte[] calibrationJson) {
    try {
      JsonNode json = new ObjectMapper().readTree(calibrationJson);
      ((ObjectNode) json.get("model")).remove("path");
      ((ObjectNode) json.get("dataset")).remove("path");
      return json;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
