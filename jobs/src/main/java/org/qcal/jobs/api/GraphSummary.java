package org.qcal.jobs.api;

import java.io.Serializable;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.qcal.onnx.CalibrationPlan;
import org.qcal.onnx.OnnxModel;
import org.qcal.onnx.proto.Onnx.NodeProto;

/**
 * What a calibration quantizes and what stays float, counted for the log and calibration.json:
 * a model exported by another tool often has ops qcal does not quantize (Resize, LayerNorm,
 * LSTM, ...), and a user should see that before blaming the int8 accuracy on the ranges.
 *
 * @param nodes the model's nodes, Constant nodes excluded (they hold weights, not computation)
 * @param quantizedNodes nodes whose computation is quantized
 * @param floatNodes op type to the count of its nodes that stay float, sorted by op type
 * @param tappedTensors activations calibrated (one tap each)
 * @param weights weights quantized
 * @param biases biases quantized
 * @param foldedBatchNorms BatchNormalization nodes folded into the Conv before them; the other
 *     counts are of the folded graph
 */
public record GraphSummary(int nodes, int quantizedNodes, Map<String, Integer> floatNodes,
    int tappedTensors, int weights, int biases, int foldedBatchNorms) implements Serializable {

  public static GraphSummary of(OnnxModel model, CalibrationPlan plan, int weights, int biases,
      int foldedBatchNorms) {
    Set<String> quantized = new HashSet<>(plan.quantizedNodes());
    Map<String, Integer> floats = new TreeMap<>();
    int nodes = 0;
    for (int i = 0; i < model.graph().getNodeCount(); i++) {
      NodeProto n = model.graph().getNode(i);
      if (n.getOpType().equals("Constant")) {
        continue;
      }
      nodes++;
      // The label GraphIndex gives a node: its name, or its op type and index.
      String label = n.getName().isEmpty() ? n.getOpType() + "#" + i : n.getName();
      if (!quantized.contains(label)) {
        floats.merge(n.getOpType(), 1, Integer::sum);
      }
    }
    return new GraphSummary(nodes, quantized.size(), floats, plan.tappedTensors().size(),
        weights, biases, foldedBatchNorms);
  }

  /** "[folded 2 BatchNormalization into Convs; ]tapping ... 12 of 40 nodes stay float (...)". */
  public String describe() {
    int floats = floatNodes.values().stream().mapToInt(Integer::intValue).sum();
    StringBuilder byOp = new StringBuilder();
    floatNodes.forEach((op, n) -> byOp.append(byOp.length() == 0 ? "" : ", ").append(op)
        .append(' ').append(n));
    return (foldedBatchNorms == 0 ? "" : "folded " + foldedBatchNorms
        + " BatchNormalization into Convs; ") + "tapping " + tappedTensors
        + " activation tensors, quantizing " + weights + " weights and " + biases + " biases; "
        + floats + " of " + nodes + " nodes stay float"
        + (floats == 0 ? "" : " (" + byOp + "): ops qcal does not quantize, ops that only move"
        + " data, and ops on shapes and indices");
  }
}
