package org.qcal.onnx;

import java.util.ArrayList;
import java.util.List;
import org.qcal.onnx.proto.Onnx.NodeProto;
import org.qcal.onnx.proto.Onnx.TensorProto;

/**
 * Collects the constant weights and biases of quantized anchor nodes, and the constant operands
 * of quantized elementwise nodes. A weight must be a float32 constant whose value
 * {@link ConstantValues} can read (an initializer, a Constant node, or a view of one); a bias
 * must be one too, with one value per output channel of the weight
 * ({@code [N]}, or Gemm's {@code [1, N]}), since QLinearConv and QGemm take a 1-D int32 bias.
 * Anything else stays float, which ONNX Runtime still runs, only without fusing that node.
 */
final class WeightsAndBiases {
  private final GraphIndex index;
  private final ConstantValues constants;
  private final List<WeightSpec> weights = new ArrayList<>();
  private final List<BiasSpec> biases = new ArrayList<>();
  private final List<OperandSpec> operands = new ArrayList<>();

  WeightsAndBiases(GraphIndex index, ConstantValues constants) {
    this.index = index;
    this.constants = constants;
  }

  /** Adds the weight and bias of anchor node {@code i}, if they qualify. */
  void collect(int i) {
    NodeProto n = index.node(i);
    int w = QuantizableOps.weightInput(n);
    if (n.getInputCount() <= w) {
      return;
    }
    TensorProto weight = constantFloat(n.getInput(w));
    if (weight == null) {
      return;
    }
    int axis = QuantizableOps.weightAxis(n, weight.getDimsCount());
    if (axis >= weight.getDimsCount()) {
      axis = -1;
    }
    WeightSpec spec = new WeightSpec(weight.getName(), axis, i, index.label(i), n.getOpType(), w,
        weight.getDimsList());
    weights.add(spec);
    int b = QuantizableOps.biasInput(n);
    if (b < 0) {
      return;
    }
    TensorProto bias = constantFloat(n.getInput(b));
    if (bias != null && isPerChannelVector(bias, outputChannels(n, weight))) {
      biases.add(new BiasSpec(bias.getName(), i, index.label(i), b, n.getInput(0),
          weight.getName()));
    }
  }

  /** Adds the constant float operands of quantized elementwise node {@code i} (Add, Mul). */
  void collectOperands(int i, String output) {
    NodeProto n = index.node(i);
    for (int p = 0; p < n.getInputCount(); p++) {
      TensorProto t = constantFloat(n.getInput(p));
      if (t != null) {
        operands.add(new OperandSpec(t.getName(), i, index.label(i), p, output));
      }
    }
  }

  /** The output channel count of the anchor, from its weight's shape, or -1 if unknown. */
  private static long outputChannels(NodeProto n, TensorProto weight) {
    int rank = weight.getDimsCount();
    switch (n.getOpType()) {
      case "Conv":
        return rank > 0 ? weight.getDims(0) : -1;
      case "ConvTranspose":
        return rank > 1 ? weight.getDims(1) * Attributes.getInt(n, "group", 1) : -1;
      case "Gemm":
        if (rank != 2) {
          return -1;
        }
        return Attributes.getInt(n, "transB", 0) == 1 ? weight.getDims(0) : weight.getDims(1);
      default:
        return -1;
    }
  }

  /** A bias of {@code channels} values as {@code [C]} or {@code [1, C]}. */
  private static boolean isPerChannelVector(TensorProto bias, long channels) {
    if (channels <= 0) {
      return false;
    }
    List<Long> dims = bias.getDimsList();
    return (dims.size() == 1 && dims.get(0) == channels)
        || (dims.size() == 2 && dims.get(0) == 1 && dims.get(1) == channels);
  }

  private TensorProto constantFloat(String name) {
    return constants.floatValue(name);
  }

  List<WeightSpec> weights() {
    return weights;
  }

  List<BiasSpec> biases() {
    return biases;
  }

  List<OperandSpec> operands() {
    return operands;
  }
}
