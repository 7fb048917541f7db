package org.qcal.onnx;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.qcal.Check;
import org.qcal.ElementType;
import org.qcal.QcalException;
import org.qcal.onnx.proto.Onnx.GraphProto;
import org.qcal.onnx.proto.Onnx.TypeProto;
import org.qcal.onnx.proto.Onnx.ValueInfoProto;

/**
 * Makes the tap model of a {@link CalibrationPlan}: every tapped tensor becomes a graph output
 * (element type float, shape left to the runtime), so one forward pass yields all of them.
 * Only the plan's tapped tensors are added: each costs a copy out of the runtime and a statistics
 * update per row, which is why aliases and folded tensors are not tapped.
 */
public final class TapAugmenter {
  private TapAugmenter() {}

  /** The tap model of {@code plan}: {@code model} plus its tapped tensors as outputs. */
  public static TapModel augment(OnnxModel model, CalibrationPlan plan) {
    Check.notNull(model, "model");
    Check.notNull(plan, "calibration plan");
    if (plan.nodeCount() != model.graph().getNodeCount()) {
      throw new QcalException("calibration plan of " + plan.modelName() + " (" + plan.nodeCount()
          + " nodes) does not belong to model " + model.name() + " ("
          + model.graph().getNodeCount() + " nodes)");
    }
    return augment(model, plan.tappedTensors());
  }

  /**
   * A copy of {@code model} whose outputs also carry {@code tensors} (float tensors of the main
   * graph, e.g. for debugging a layer); the model itself is unchanged.
   */
  public static TapModel augment(OnnxModel model, Collection<String> tensors) {
    Check.notNull(model, "model");
    Check.notNull(tensors, "tensors to tap");
    GraphProto graph = model.graph();
    GraphIndex index = new GraphIndex(graph, model.proto().getIrVersion());
    GraphProto.Builder g = graph.toBuilder();
    Map<String, String> outputs = new LinkedHashMap<>();
    for (String tensor : tensors) {
      if (outputs.containsKey(tensor)) {
        continue;
      }
      // A graph input may be listed as an output too (ONNX Runtime returns it unchanged).
      if (!index.isGraphOutput(tensor)) {
        if (index.producer(tensor) < 0 && !index.isGraphInput(tensor)) {
          throw new QcalException("tensor '" + tensor + "' to tap is neither a graph input nor"
              + " produced by a node of model " + model.name());
        }
        g.addOutput(floatOutput(tensor));
      }
      outputs.put(tensor, tensor);
    }
    List<String> original = new ArrayList<>();
    for (ValueInfoProto v : graph.getOutputList()) {
      original.add(v.getName());
    }
    return new TapModel(model.derive(model.proto().toBuilder().setGraph(g).build()), outputs,
        original);
  }

  static ValueInfoProto floatOutput(String name) {
    return ValueInfoProto.newBuilder().setName(name)
        .setType(TypeProto.newBuilder()
            .setTensorType(TypeProto.Tensor.newBuilder().setElemType(ElementType.FLOAT32.code())))
        .build();
  }
}
