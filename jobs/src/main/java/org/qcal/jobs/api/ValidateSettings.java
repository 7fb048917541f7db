package org.qcal.jobs.api;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Objects;
import java.util.stream.Stream;
import java.util.List;
import java.util.Map;
import org.qcal.jobs.validate.Gate;

/**
 * Everything a validation run needs, as the CLI, a notebook or Java code gives it. Start from
 * {@link #of} and set what differs from the defaults:
 *
 * <pre>{@code
 * ValidateSettings s = ValidateSettings.of("cnn.onnx", "val.parquet", "out/val")
 *     .withCalibration("out/cnn").withLabel("label").withMaxDrop(0.5);
 * }</pre>
 *
 * @param model the FP32 ONNX model path (any Hadoop file system)
 * @param quantized QDQ model files to validate, each named by its file name
 * @param calibration a calibrate output folder whose methods become candidates, or null
 * @param data the validation data path
 * @param format the data format, or null to infer it
 * @param imagePreprocessing how images become tensors, or null for the defaults
 * @param inputs model input name to data column; empty to bind a single input by default
 * @param inputShapes model input name to its sample shape spec ({@code 3,48,192} or {@code
 *     @column}, see {@code InputShape}) for inputs with several dynamic dims; may be empty
 * @param label the label column (int or bigint class ids), or null
 * @param metric top1, top5, agreement or sqnr; null for top1 with labels, agreement without
 * @param maxDrop the largest drop against FP32 a passing candidate may have, in points
 * @param minSqnrDb the lowest primary-output SQNR a passing candidate may have (metric sqnr)
 * @param batchSize rows per forward pass
 * @param limit at most this many rows (the first ones), or null for all
 * @param partitions repartition the rows into this many partitions, or null to keep the data's
 *     (spread over the task slots when it has fewer)
 * @param tensorErrors whether to measure every quantized tensor, not only the outputs
 * @param out the output folder
 * @param overwrite whether an existing output folder may be replaced
 */
public record ValidateSettings(
    String model,
    List<String> quantized,
    String calibration,
    String data,
    String format,
    String imagePreprocessing,
    Map<String, String> inputs,
    Map<String, String> inputShapes,
    String label,
    String metric,
    double maxDrop,
    double minSqnrDb,
    int batchSize,
    Long limit,
    Integer partitions,
    boolean tensorErrors,
    String out,
    boolean overwrite) implements Serializable {

  /** Rows per forward by default (as calibrate's). */
  public static final int DEFAULT_BATCH_SIZE = 64;

  /** The paths this run reads, which its output folder must stay clear of. */
  public List<String> inputPaths() {
    List<String> paths = new ArrayList<>(quantized);
    Stream.of(model, data, calibration).filter(Objects::nonNull).forEach(paths::add);
    return paths;
  }

  public ValidateSettings {
    quantized = List.copyOf(quantized);
    inputs = Map.copyOf(inputs);
    inputShapes = Map.copyOf(inputShapes);
  }

  /** Without {@code --input-shape}: every input's shape comes from the model and the data. */
  public ValidateSettings(String model, List<String> quantized, String calibration, String data,
      String format, String imagePreprocessing, Map<String, String> inputs, String label,
      String metric, double maxDrop, double minSqnrDb, int batchSize, Long limit,
      Integer partitions, boolean tensorErrors, String out, boolean overwrite) {
    this(model, quantized, calibration, data, format, imagePreprocessing, inputs, Map.of(),
        label, metric, maxDrop, minSqnrDb, batchSize, limit, partitions, tensorErrors, out,
        overwrite);
  }

  public ValidateSettings withInputShapes(Map<String, String> shapes) {
    return new ValidateSettings(model, quantized, calibration, data, format, imagePreprocessing,
        inputs, shapes, label, metric, maxDrop, minSqnrDb, batchSize, limit, partitions,
        tensorErrors, out, overwrite);
  }

  /** No candidates yet, no labels, default gate, batch 64, all rows, tensor errors on. */
  public static ValidateSettings of(String model, String data, String out) {
    return new ValidateSettings(model, List.of(), null, data, null, null, Map.of(), null, null,
        Gate.DEFAULT_MAX_DROP, Gate.DEFAULT_MIN_SQNR_DB, DEFAULT_BATCH_SIZE, null, null, true,
        out, false);
  }

  public ValidateSettings withQuantized(List<String> files) {
    return new ValidateSettings(model, files, calibration, data, format, imagePreprocessing,
        inputs, inputShapes, label, metric, maxDrop, minSqnrDb, batchSize, limit, partitions, tensorErrors,
        out, overwrite);
  }

  public ValidateSettings withCalibration(String dir) {
    return new ValidateSettings(model, quantized, dir, data, format, imagePreprocessing,
        inputs, inputShapes, label, metric, maxDrop, minSqnrDb, batchSize, limit, partitions, tensorErrors,
        out, overwrite);
  }

  public ValidateSettings withData(String format, String imagePreprocessing,
      Map<String, String> inputs) {
    return new ValidateSettings(model, quantized, calibration, data, format, imagePreprocessing,
        inputs, inputShapes, label, metric, maxDrop, minSqnrDb, batchSize, limit, partitions, tensorErrors,
        out, overwrite);
  }

  public ValidateSettings withLabel(String column) {
    return new ValidateSettings(model, quantized, calibration, data, format, imagePreprocessing,
        inputs, inputShapes, column, metric, maxDrop, minSqnrDb, batchSize, limit, partitions, tensorErrors,
        out, overwrite);
  }

  public ValidateSettings withMetric(String id) {
    return new ValidateSettings(model, quantized, calibration, data, format, imagePreprocessing,
        inputs, inputShapes, label, id, maxDrop, minSqnrDb, batchSize, limit, partitions, tensorErrors, out,
        overwrite);
  }

  public ValidateSettings withMaxDrop(double points) {
    return new ValidateSettings(model, quantized, calibration, data, format, imagePreprocessing,
        inputs, inputShapes, label, metric, points, minSqnrDb, batchSize, limit, partitions, tensorErrors,
        out, overwrite);
  }

  public ValidateSettings withMinSqnrDb(double db) {
    return new ValidateSettings(model, quantized, calibration, data, format, imagePreprocessing,
        inputs, inputShapes, label, metric, maxDrop, db, batchSize, limit, partitions, tensorErrors, out,
        overwrite);
  }

  public ValidateSettings withBatchSize(int rows) {
    return new ValidateSettings(model, quantized, calibration, data, format, imagePreprocessing,
        inputs, inputShapes, label, metric, maxDrop, minSqnrDb, rows, limit, partitions, tensorErrors, out,
        overwrite);
  }

  public ValidateSettings withLimit(Long rows) {
    return new ValidateSettings(model, quantized, calibration, data, format, imagePreprocessing,
        inputs, inputShapes, label, metric, maxDrop, minSqnrDb, batchSize, rows, partitions, tensorErrors,
        out, overwrite);
  }

  public ValidateSettings withPartitions(Integer count) {
    return new ValidateSettings(model, quantized, calibration, data, format, imagePreprocessing,
        inputs, inputShapes, label, metric, maxDrop, minSqnrDb, batchSize, limit, count, tensorErrors, out,
        overwrite);
  }

  public ValidateSettings withTensorErrors(boolean on) {
    return new ValidateSettings(model, quantized, calibration, data, format, imagePreprocessing,
        inputs, inputShapes, label, metric, maxDrop, minSqnrDb, batchSize, limit, partitions, on, out,
        overwrite);
  }

  public ValidateSettings withOut(String dir, boolean replace) {
    return new ValidateSettings(model, quantized, calibration, data, format, imagePreprocessing,
        inputs, inputShapes, label, metric, maxDrop, minSqnrDb, batchSize, limit, partitions, tensorErrors,
        dir, replace);
  }
}
