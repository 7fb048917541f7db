package org.qcal.jobs.tune;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.qcal.jobs.api.CalibrationResult;
import org.qcal.jobs.api.QuantizedExport;
import org.qcal.jobs.api.Recipe;
import org.qcal.jobs.api.TensorCalibration;
import org.qcal.jobs.io.LoadedInputModel;
import org.qcal.onnx.CalibrationPlan;
import org.qcal.onnx.proto.Onnx.NodeProto;

/**
 * Exports of a base recipe with some quantized tensors kept in float: a tensor is kept in float
 * by keeping the nodes that write it in float (ONNX Runtime's nodes_to_exclude). Used by the
 * sensitivity pass (one tensor each) and by the fallback's steps (several).
 */
final class FloatCandidates {
  private final LoadedInputModel fp32;
  private final CalibrationResult calibration;
  private final List<NodeProto> nodes;
  private final Set<String> calibrated = new HashSet<>();

  FloatCandidates(LoadedInputModel fp32, CalibrationResult calibration) {
    this.fp32 = fp32;
    this.calibration = calibration;
    this.nodes = fp32.toQuantize().graph().getNodeList();
    calibration.tensors().forEach(t -> calibrated.add(t.name()));
  }

  /** Names of the nodes that write {@code tensor}; unnamed nodes cannot be kept in float. */
  List<String> producers(String tensor) {
    List<String> names = new ArrayList<>();
    for (NodeProto node : nodes) {
      if (node.getOutputList().contains(tensor) && !node.getName().isEmpty()) {
        names.add(node.getName());
      }
    }
    return names;
  }

  /** The producers of every tensor of {@code tensors}, in order, each once. */
  Set<String> producers(List<String> tensors) {
    Set<String> names = new LinkedHashSet<>();
    tensors.forEach(t -> names.addAll(producers(t)));
    return names;
  }

  /**
   * The base recipe with the producers of {@code tensors} in float, named {@code name}. A tensor
   * the new plan taps but the calibration did not (a Relu's input once the Relu is in float) has
   * no statistics: its producer joins the float nodes too. Null when nothing is left to
   * quantize.
   */
  QuantizedExport export(String name, Recipe base, List<String> tensors) {
    Set<String> excluded = producers(tensors);
    List<TensorCalibration> stats = calibration.tensors();
    for (int guard = 0; guard <= nodes.size(); guard++) {
      Recipe recipe = base.withFloatNodes(excluded);
      CalibrationPlan plan = QuantizedExport.plan(fp32, recipe);
      if (plan.tappedTensors().isEmpty()) {
        return null;
      }
      List<String> more = new ArrayList<>();
      plan.tappedTensors().stream().filter(t -> !calibrated.contains(t))
          .forEach(t -> more.addAll(producers(t)));
      if (more.isEmpty()) {
        return QuantizedExport.derive(name, fp32, stats, recipe, calibration.biasShifts());
      }
      if (!excluded.addAll(more)) {
        return null;
      }
    }
    return null;
  }
}
