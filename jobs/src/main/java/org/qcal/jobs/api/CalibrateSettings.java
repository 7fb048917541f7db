package org.qcal.jobs.api;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import java.util.Map;

/**
 * Everything a calibration run needs, as the CLI, a notebook or Java code gives it.
 *
 * @param model the FP32 ONNX model path (any Hadoop file system)
 * @param data the calibration data path
 * @param format the data format, or null to infer it from the path
 * @param imagePreprocessing how images become tensors (see {@code ImagePreprocessing.parse}),
 *     or null for the defaults fitted to the model's input
 * @param inputs model input name to data column; empty to bind a single input by default
 * @param inputShapes model input name to its sample shape spec ({@code 3,48,192} or {@code
 *     @column}, see {@code InputShape}) for inputs with several dynamic dims; may be empty
 * @param parameters how to calibrate
 * @param limit at most this many rows, or null for all
 * @param out the output folder
 * @param overwrite whether an existing output folder may be replaced
 * @param tapMemoryMb the budget of one task's tapped tensors per forward, in MiB: more taps
 *     than fit are split into groups run as separate forwards of the same batch
 */
public record CalibrateSettings(
    String model,
    String data,
    String format,
    String imagePreprocessing,
    Map<String, String> inputs,
    Map<String, String> inputShapes,
    CalibrationParameters parameters,
    Long limit,
    String out,
    boolean overwrite,
    int tapMemoryMb) implements Serializable {

  /** The default of {@code --tap-memory-mb}: well inside an executor's default 1 GiB heap. */
  public static final int DEFAULT_TAP_MEMORY_MB = 256;

  public CalibrateSettings {
    inputs = Map.copyOf(inputs);
    inputShapes = Map.copyOf(inputShapes);
    if (tapMemoryMb < 1) {
      throw new org.qcal.QcalException("--tap-memory-mb must be >= 1, got " + tapMemoryMb);
    }
  }

  /** Without {@code --input-shape}, with the default tap memory budget. */
  public CalibrateSettings(String model, String data, String format, String imagePreprocessing,
      Map<String, String> inputs, CalibrationParameters parameters, Long limit, String out,
      boolean overwrite) {
    this(model, data, format, imagePreprocessing, inputs, Map.of(), parameters, limit, out,
        overwrite, DEFAULT_TAP_MEMORY_MB);
  }

  /** The paths this run reads, which its output folder must stay clear of. */
  public List<String> inputPaths() {
    return Stream.of(model, data).filter(Objects::nonNull).toList();
  }
}
