package org.qcal.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.qcal.jobs.io.OutputMarker;
import org.qcal.runtime.ModelOutputs;
import org.qcal.runtime.ModelRunner;
import org.qcal.runtime.ModelSource;
import org.qcal.runtime.RuntimeOptions;

/** Reading what a calibration wrote, and running models on slice rows, for the jobs tests. */
final class OutputFiles {
  /** Every file a calibration writes (docs/DESIGN.md, "Outputs"; validation.json is tune's). */
  static final List<String> FILES = List.of(org.qcal.jobs.io.CalibrationOutputs.CALIBRATION_JSON,
      org.qcal.jobs.io.CalibrationOutputs.TENSORRT_CACHE, org.qcal.jobs.io.CalibrationOutputs.QDQ_MODEL, org.qcal.jobs.io.CalibrationOutputs.REPORT);
  static final String CACHE_HEADER = "TRT-8601-EntropyCalibration2";

  private OutputFiles() {}

  static JsonNode json(Path out) {
    try {
      return new ObjectMapper().readTree(out.resolve(org.qcal.jobs.io.CalibrationOutputs.CALIBRATION_JSON).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Asserts what validate --calibration does: the export named {@code name}, rebuilt from the
   * calibration.json in {@code out} and the FP32 {@code model}, is model.int8.onnx byte for byte.
   */
  static void assertRebuiltExport(Path out, String model, String name) {
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
    org.qcal.jobs.validate.Candidate c = org.qcal.jobs.validate.CalibrationCandidates.candidates(
        org.qcal.jobs.io.CalibrationFile.read(out.toString(), conf),
        org.qcal.jobs.io.LoadedInputModel.load(model, conf)).stream()
        .filter(x -> x.name().equals(name)).findFirst().orElseThrow();
    org.junit.jupiter.api.Assertions.assertArrayEquals(
        bytes(out.resolve(org.qcal.jobs.io.CalibrationOutputs.QDQ_MODEL)), c.bytes());
  }

  static byte[] bytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The folder's entries by name, hidden ones included. */
  static List<String> entries(Path dir) {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Asserts the folder holds exactly the outputs, each non-empty. */
  static void assertOutputs(Path out) {
    List<String> expected = new ArrayList<>(FILES);
    expected.add(OutputMarker.NAME);
    assertEquals(expected.stream().sorted().toList(), entries(out), "files in " + out);
    for (String f : FILES) {
      assertTrue(bytes(out.resolve(f)).length > 0, f + " is empty");
    }
  }

  /** The cache's tensor lines, name to hex, after checking the header. */
  static Map<String, String> cacheLines(Path out) {
    String text = new String(bytes(out.resolve(org.qcal.jobs.io.CalibrationOutputs.TENSORRT_CACHE)),
        StandardCharsets.UTF_8);
    List<String> lines = text.lines().toList();
    assertEquals(CACHE_HEADER, lines.get(0));
    Map<String, String> byTensor = new LinkedHashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      int colon = line.lastIndexOf(": ");
      assertTrue(colon > 0, "cache line '" + line + "'");
      String hex = line.substring(colon + 2);
      assertTrue(hex.matches("[0-9a-f]{8}"), "8 lower-case hex digits in '" + line + "'");
      assertEquals(null, byTensor.put(line.substring(0, colon), hex), "duplicate " + line);
    }
    return byTensor;
  }

  /** The first {@code n} rows of the shipped slice, in file order: pixels and labels. */
  static Slice slice(SparkSession spark, int n) {
    List<Row> rows = spark.read().parquet(TestPaths.slice()).limit(n).collectAsList();
    float[] pixels = new float[n * 784];
    int[] labels = new int[n];
    for (int r = 0; r < n; r++) {
      Row row = rows.get(r);
      List<Float> px = row.getList(row.fieldIndex("pixels"));
      for (int i = 0; i < 784; i++) {
        pixels[r * 784 + i] = px.get(i);
      }
      labels[r] = row.getInt(row.fieldIndex("label"));
    }
    return new Slice(n, pixels, labels);
  }

  record Slice(int rows, float[] pixels, int[] labels) {}

  /**
   * The argmax of the {@code logits} output of {@code model} on the slice rows, fed as {@code
   * [n, 1, 28, 28]} or {@code [n, 784]} as the model's input rank says.
   */
  static int[] predict(String name, byte[] model, Slice slice) {
    try (ModelRunner runner = ModelRunner.open(ModelSource.of(name, model),
        RuntimeOptions.DEFAULTS)) {
      String input = runner.signature().inputs().get(0).name();
      int rank = runner.signature().input(input).rank();
      long[] shape = rank == 4 ? new long[] {slice.rows(), 1, 28, 28}
          : new long[] {slice.rows(), 784};
      runner.setFloats(input, slice.pixels(), shape);
      ModelOutputs out = runner.run();
      float[] logits = out.floats("logits");
      assertEquals(slice.rows() * 10, logits.length);
      int[] classes = new int[slice.rows()];
      for (int r = 0; r < slice.rows(); r++) {
        int best = 0;
        for (int c = 1; c < 10; c++) {
          if (logits[r * 10 + c] > logits[r * 10 + best]) {
            best = c;
          }
        }
        classes[r] = best;
      }
      return classes;
    }
  }

  static int agreeing(int[] a, int[] b) {
    int same = 0;
    for (int i = 0; i < a.length; i++) {
      same += a[i] == b[i] ? 1 : 0;
    }
    return same;
  }

  /** The op types of a model's nodes, in graph order. */
  static List<String> opTypes(byte[] model) {
    List<String> ops = new ArrayList<>();
    org.qcal.onnx.OnnxModel.fromBytes("model", model).graph().getNodeList()
        .forEach(n -> ops.add(n.getOpType()));
    return ops;
  }
}
