package org.qcal.jobs.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.qcal.QcalException;
import org.qcal.calib.Range;
import org.qcal.jobs.io.LoadedInputModel;
import org.qcal.onnx.CalibrationPlan;
import org.qcal.onnx.GraphAnalyzer;
import org.qcal.onnx.QdqExporter;
import org.qcal.onnx.QdqModel;
import org.qcal.quant.QuantParams;
import org.qcal.runtime.ModelDigest;

/**
 * One named recipe applied to a model: the QDQ export and every parameter it carries. The only
 * way qcal makes a quantized model, so that {@code model.int8.onnx}, the TensorRT cache and
 * calibration.json, which are all written from one of these, describe the same thing, and
 * {@code validate --calibration} rebuilds byte for byte what calibrate and tune exported.
 *
 * @param name the candidate's name in reports (a method id, {@code mse-sym}, a tune step)
 * @param recipe what was applied
 * @param plan the tensors tapped and the nodes quantized
 * @param qdq the exported model, its weight and bias parameters and the exporter's notes
 * @param sha256 of {@link #bytes()}
 * @param activations tapped tensor to its parameters, in plan order
 * @param ranges tapped tensor to the range its parameters come from, in plan order; empty when
 *     the parameters were read back from calibration.json rather than derived
 */
public record QuantizedExport(String name, Recipe recipe, CalibrationPlan plan, QdqModel qdq,
    byte[] bytes, String sha256, Map<String, QuantParams> activations,
    Map<String, Range> ranges) {

  /** The plan of {@code recipe} on the graph qcal quantizes (BatchNormalization folded). */
  public static CalibrationPlan plan(LoadedInputModel fp32, Recipe recipe) {
    return GraphAnalyzer.analyze(fp32.toQuantize(), fp32.selection(recipe.selection()), true);
  }

  /** Derives each quantized tensor's range and parameters from {@code tensors} and exports. */
  public static QuantizedExport derive(String name, LoadedInputModel fp32,
      List<TensorCalibration> tensors, Recipe recipe) {
    return derive(name, fp32, tensors, recipe, BiasShifts.NONE);
  }

  /**
   * As {@link #derive(String, LoadedInputModel, List, Recipe)}, with {@code shifts} folded into
   * the biases of the nodes whose weights the recipe quantizes when the recipe asks for bias
   * correction.
   */
  public static QuantizedExport derive(String name, LoadedInputModel fp32,
      List<TensorCalibration> tensors, Recipe recipe, BiasShifts shifts) {
    List<String> notes = new ArrayList<>();
    fp32 = corrected(fp32, recipe, shifts, notes);
    CalibrationPlan plan = plan(fp32, recipe);
    Map<String, TensorCalibration> byName = new LinkedHashMap<>();
    tensors.forEach(t -> byName.put(t.name(), t));
    Map<String, Range> ranges = new LinkedHashMap<>();
    Map<String, QuantParams> params = new LinkedHashMap<>();
    Map<String, TensorOverride> overrides = recipe.overridesByTappedTensor(plan, false);
    for (String tensor : plan.tappedTensors()) {
      TensorCalibration t = byName.get(tensor);
      if (t == null) {
        throw new QcalException("recipe " + name + ": tensor '" + tensor + "' is quantized but"
            + " has no calibration statistics; keep its producer in float too");
      }
      Range range = t.range(recipe);
      TensorOverride override = overrides.get(tensor);
      if (override == null) {
        ranges.put(tensor, range);
        params.put(tensor, recipe.params(range));
      } else {
        // A fixed scale keeps the calibrated range for TensorRT's amax: no range is given.
        ranges.put(tensor, override.range(range));
        params.put(tensor, override.params(range, recipe));
      }
    }
    return export(name, fp32, recipe, plan, params, ranges, notes);
  }

  /**
   * Exports {@code recipe} with parameters (and bias shifts) read back from calibration.json,
   * nothing derived.
   */
  public static QuantizedExport withParams(String name, LoadedInputModel fp32, Recipe recipe,
      Map<String, QuantParams> params, BiasShifts shifts) {
    List<String> notes = new ArrayList<>();
    fp32 = corrected(fp32, recipe, shifts, notes);
    CalibrationPlan plan = plan(fp32, recipe);
    Map<String, QuantParams> ordered = new LinkedHashMap<>();
    for (String tensor : plan.tappedTensors()) {
      QuantParams p = params.get(tensor);
      if (p == null) {
        throw new QcalException("recipe " + name + ": no parameters for tensor '" + tensor
            + "', which it quantizes");
      }
      ordered.put(tensor, p);
    }
    return export(name, fp32, recipe, plan, ordered, Map.of(), notes);
  }

  /**
   * {@code fp32} with the shifts of the nodes whose weights {@code recipe} quantizes folded (when
   * it corrects biases);
   * nodes left uncorrected go into {@code notes}, which the export reports with its own.
   */
  private static LoadedInputModel corrected(LoadedInputModel fp32, Recipe recipe,
      BiasShifts shifts, List<String> notes) {
    return shifts.isEmpty() || !recipe.biasCorrection() ? fp32
        : shifts.applyTo(fp32, plan(fp32, recipe), notes);
  }

  private static QuantizedExport export(String name, LoadedInputModel fp32, Recipe recipe,
      CalibrationPlan plan, Map<String, QuantParams> params, Map<String, Range> ranges,
      List<String> notes) {
    QdqModel qdq = QdqExporter.export(fp32.toQuantize(), plan, params,
        recipe.weightQuantization()).withNotesBefore(notes);
    byte[] bytes = qdq.toByteArray();
    return new QuantizedExport(name, recipe, plan, qdq, bytes, ModelDigest.sha256Hex(bytes),
        Collections.unmodifiableMap(params), Collections.unmodifiableMap(ranges));
  }

  /**
   * TensorRT's amax of every tensor name this export quantizes, each tapped tensor's range
   * given to every tensor that shares its parameters ({@code sharedBy}), in the order of
   * {@code tensors}. Needs derived ranges.
   */
  public Map<String, Double> amax(List<TensorCalibration> tensors) {
    Map<String, Double> amax = new LinkedHashMap<>();
    for (TensorCalibration t : tensors) {
      Range range = ranges.get(t.name());
      if (range != null) {
        t.sharedBy().forEach(n -> amax.put(n, (double) range.amax()));
      }
    }
    return amax;
  }
}
