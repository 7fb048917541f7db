package org.qcal.jobs.api;

import java.util.List;
import java.util.Map;
import org.qcal.onnx.KernelCensus;
import org.qcal.quant.QuantParams;

/**
 * Everything a calibration run produced on the driver, before it is written: the statistics of
 * every tapped tensor, the exports of the recipes made from them, and the one chosen. The CLI,
 * the writers, the report and a notebook all read this object.
 *
 * @param modelPath the FP32 model as given
 * @param modelDigest SHA-256 of the FP32 model's bytes
 * @param dataPath the calibration data as given (a description for a caller's Dataset)
 * @param dataFormat the format it was read as
 * @param inputColumns model input name to data column
 * @param samples rows that went through the model
 * @param parameters how it was calibrated
 * @param tensors per tapped tensor, in graph order
 * @param exports every recipe exported from these statistics (calibrate: one per method; tune:
 *     every candidate it validated), in order
 * @param chosen the export written as model.int8.onnx, one of {@code exports}
 * @param kernels which quantized nodes of the chosen model ONNX Runtime runs with int8
 *     kernels, or null when not (yet) told
 * @param passes how each pass went (throughput, where the time went); logged, never written to
 *     calibration.json, which must not depend on timing
 * @param graph what is tapped and quantized and which nodes stay float
 * @param comparison how {@code --choose auto} chose the exported method, or null when the
 *     method was given
 * @param biasShifts the output shifts every export folds into its biases (bias correction);
 *     {@link BiasShifts#NONE} without
 * @param smoothing the SmoothQuant scales folded into the graph before calibrating; {@link
 *     SmoothingScales#NONE} without
 */
public record CalibrationResult(
    String modelPath,
    String modelDigest,
    String dataPath,
    String dataFormat,
    Map<String, String> inputColumns,
    long samples,
    CalibrationParameters parameters,
    List<TensorCalibration> tensors,
    List<QuantizedExport> exports,
    QuantizedExport chosen,
    KernelCensus kernels,
    List<PassSummary> passes,
    GraphSummary graph,
    MethodComparison comparison,
    BiasShifts biasShifts,
    SmoothingScales smoothing) {

  /** A result without SmoothQuant. */
  public CalibrationResult(String modelPath, String modelDigest, String dataPath,
      String dataFormat, Map<String, String> inputColumns, long samples,
      CalibrationParameters parameters, List<TensorCalibration> tensors,
      List<QuantizedExport> exports, QuantizedExport chosen, KernelCensus kernels,
      List<PassSummary> passes, GraphSummary graph, MethodComparison comparison,
      BiasShifts biasShifts) {
    this(modelPath, modelDigest, dataPath, dataFormat, inputColumns, samples, parameters,
        tensors, exports, chosen, kernels, passes, graph, comparison, biasShifts,
        SmoothingScales.NONE);
  }

  public CalibrationResult {
    exports = List.copyOf(exports);
    if (!exports.contains(chosen)) {
      throw new IllegalArgumentException("the chosen export is not among the exports");
    }
  }

  /** This result describing the int8 kernels of its chosen export. */
  public CalibrationResult withKernels(KernelCensus census) {
    return new CalibrationResult(modelPath, modelDigest, dataPath, dataFormat, inputColumns,
        samples, parameters, tensors, exports, chosen, census, passes, graph, comparison,
        biasShifts, smoothing);
  }

  /** This result with other exports and choice (tune's candidates and winner). */
  public CalibrationResult withExports(List<QuantizedExport> all, QuantizedExport choice) {
    return new CalibrationResult(modelPath, modelDigest, dataPath, dataFormat, inputColumns,
        samples, parameters, tensors, all, choice, null, passes, graph, comparison, biasShifts,
        smoothing);
  }

  /** The chosen QDQ model's bytes. */
  public byte[] quantizedModel() {
    return chosen.bytes();
  }

  /** The chosen recipe. */
  public Recipe recipe() {
    return chosen.recipe();
  }

  /** Per quantized weight initializer of the chosen export. */
  public Map<String, QuantParams> weightParams() {
    return chosen.qdq().weightParams();
  }

  /** Per quantized bias initializer of the chosen export. */
  public Map<String, QuantParams> biasParams() {
    return chosen.qdq().biasParams();
  }

  /** What the exporter decided that a user should know. */
  public List<String> notes() {
    return chosen.qdq().notes();
  }

  /** One pass: rows, wall time and the tasks' time split. */
  public record PassSummary(String name, long rows, double seconds, double inferenceSeconds,
      double copySeconds, double kernelSeconds) {
    public double rowsPerSecond() {
      return rows / Math.max(seconds, 1e-9);
    }
  }
}
