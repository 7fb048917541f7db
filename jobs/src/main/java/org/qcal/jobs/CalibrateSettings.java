package org.qcal.jobs;

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
 * @param parameters how to calibrate
 * @param limit at most this many rows, or null for all
 * @param out the output folder
 * @param overwrite whether an existing output folder may be replaced
 */
public record CalibrateSettings(
    String model,
    String data,
    String format,
    String imagePreprocessing,
    Map<String, String> inputs,
    CalibrationParameters parameters,
    Long limit,
    String out,
    boolean overwrite) implements Serializable {

  public CalibrateSettings {
    inputs = Map.copyOf(inputs);
  }

  /** The paths this run reads, which its output folder must stay clear of. */
  public List<String> inputPaths() {
    return Stream.of(model, data).filter(Objects::nonNull).toList();
  }
}
