package org.qcal.onnx;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.qcal.onnx.proto.Onnx.NodeProto;
import org.qcal.onnx.proto.Onnx.TensorProto;
import org.qcal.onnx.proto.Onnx.TypeProto;
import org.qcal.onnx.proto.Onnx.ValueInfoProto;

/**
 * The rank of tensors whose rank follows from declared shapes and a few rank-preserving ops,
 * without full shape inference. Used where a fusion in ONNX Runtime depends on the rank: it turns
 * MatMul + Add into Gemm (and a QDQ group into QGemm) only for 2-D inputs.
 */
final class TensorRanks {
  /** Ops whose output has the rank of their first input. */
  private static final Set<String> SAME_RANK = Set.of(
      "Relu", "Clip", "LeakyRelu", "Sigmoid", "Tanh", "Softmax", "Identity", "Dropout",
      "Conv", "ConvTranspose", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool",
      "BatchNormalization", "LayerNormalization", "Transpose", "Concat", "Cast", "Erf", "Gelu",
      "Sqrt", "Exp", "Neg", "Abs", "Pad");

  /** Ops whose output rank is the largest rank of their inputs (numpy broadcasting). */
  private static final Set<String> BROADCAST = Set.of(
      "Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Sum", "Mean", "Where", "MatMul");

  private final Map<String, Integer> ranks = new HashMap<>();

  private TensorRanks() {}

  static TensorRanks infer(GraphIndex index) {
    TensorRanks r = new TensorRanks();
    for (ValueInfoProto v : index.graph().getInputList()) {
      r.declare(v);
    }
    for (ValueInfoProto v : index.graph().getOutputList()) {
      r.declare(v);
    }
    for (ValueInfoProto v : index.graph().getValueInfoList()) {
      r.declare(v);
    }
    for (TensorProto t : index.graph().getInitializerList()) {
      r.ranks.putIfAbsent(t.getName(), t.getDimsCount());
    }
    for (int i = 0; i < index.nodeCount(); i++) {
      r.propagate(index.node(i));
    }
    return r;
  }

  /** The rank of {@code tensor}, or -1 when unknown. */
  int of(String tensor) {
    return ranks.getOrDefault(tensor, -1);
  }

  private void declare(ValueInfoProto v) {
    TypeProto type = v.getType();
    if (type.hasTensorType() && type.getTensorType().hasShape()) {
      ranks.putIfAbsent(v.getName(), type.getTensorType().getShape().getDimCount());
    }
  }

  private void propagate(NodeProto n) {
    if (!QuantizableOps.isOnnx(n) || n.getOutputCount() == 0 || n.getInputCount() == 0
        || ranks.containsKey(n.getOutput(0))) {
      return;
    }
    String op = n.getOpType();
    int rank = -1;
    if (op.equals("Flatten") || op.equals("Gemm")) {
      rank = 2;
    } else if (SAME_RANK.contains(op)) {
      rank = of(n.getInput(0));
    } else if (BROADCAST.contains(op)) {
      for (String in : n.getInputList()) {
        int r = of(in);
        if (r < 0) {
          return;
        }
        rank = Math.max(rank, r);
      }
    }
    if (rank >= 0) {
      ranks.put(n.getOutput(0), rank);
    }
  }
}
