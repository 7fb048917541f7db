package org.qcal.jobs.api;

import java.util.List;
import java.util.Map;
import org.qcal.calib.CalibrationMethod;
import org.qcal.onnx.KernelCensus;
import org.qcal.quant.QuantParams;

/**
 * Everything a calibration run produced on the driver, before it is written.
 *
 * @param modelPath the FP32 model as given
 * @param modelDigest SHA-256 of the FP32 model's bytes
 * @param dataPath the calibration data as given
 * @param dataFormat the format it was read as
 * @param inputColumns model input name to data column
 * @param samples rows that went through the model
 * @param parameters how it was calibrated
 * @param tensors per tapped tensor, in graph order
 * @param weightParams per quantized weight initializer
 * @param biasParams per quantized bias initializer
 * @param notes what the exporter decided that a user should know
 * @param kernels which quantized nodes of the written model ONNX Runtime runs with int8
 *     kernels, or null when not (yet) told
 * @param quantizedModel the QDQ model's bytes, with the chosen method's parameters
 * @param passes how each pass went (throughput, where the time went); logged, never written to
 *     calibration.json, which must not depend on timing
 * @param graph what is tapped and quantized and which nodes stay float
 * @param comparison how {@code --choose auto} chose the exported method, or null when the
 *     method was given
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
    Map<String, QuantParams> weightParams,
    Map<String, QuantParams> biasParams,
    List<String> notes,
    KernelCensus kernels,
    byte[] quantizedModel,
    List<PassSummary> passes,
    GraphSummary graph,
    MethodComparison comparison) {

  /** This result describing the int8 kernels of another export of it (tune's chosen model). */
  public CalibrationResult withKernels(KernelCensus census) {
    return new CalibrationResult(modelPath, modelDigest, dataPath, dataFormat, inputColumns,
        samples, parameters, tensors, weightParams, biasParams, notes, census, quantizedModel,
        passes, graph, comparison);
  }

  /** This result saying another method was exported (tune's choice). */
  public CalibrationResult withChosen(CalibrationMethod method) {
    return new CalibrationResult(modelPath, modelDigest, dataPath, dataFormat, inputColumns,
        samples, parameters.withChoice(ExportChoice.of(method)), tensors, weightParams,
        biasParams, notes, kernels, quantizedModel, passes, graph, comparison);
  }

  /** One pass: rows, wall time and the tasks' time split. */
  public record PassSummary(String name, long rows, double seconds, double inferenceSeconds,
      double copySeconds, double kernelSeconds) {
    public double rowsPerSecond() {
      return rows / Math.max(seconds, 1e-9);
    }
  }
}
