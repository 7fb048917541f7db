package org.qcal.onnx;

import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.qcal.onnx.proto.Onnx.NodeProto;

/**
 * Which ONNX operators qcal quantizes, and the role of each of their inputs.
 *
 * <ul>
 *   <li><b>Anchors</b> (Conv, ConvTranspose, Gemm, MatMul) take an activation, a weight and
 *       (Conv input 2, Gemm C) a bias; ONNX Runtime turns their QDQ groups into QLinearConv,
 *       QGemm or QLinearMatMul.
 *   <li><b>Quantized ops</b> get QuantizeLinear/DequantizeLinear on their float inputs and outputs.
 *   <li><b>Sharing ops</b> move or select values without computing new ones: their output is
 *       quantized with their input's params. This is exact (the output holds a subset of the
 *       input's values) and lets ONNX Runtime drop the DQ -> op -> Q pair and run them on 8-bit
 *       data, which it only does when both sides have the same params. MaxPool is one of them, as
 *       in ONNX Runtime's own quantizer (QDQDirect8BitOp).
 *   <li><b>Activations</b> (Relu, Clip) that are the only reader of a quantized op's output are
 *       folded into that op: ONNX Runtime fuses "op -> Relu/Clip -> Q" when Q's range makes the
 *       activation redundant (ReluQuantFusion; qdq_selectors.cc, IsClipMadeRedundantByQ).
 * </ul>
 */
final class QuantizableOps {
  static final Set<String> ANCHORS = Set.of("Conv", "ConvTranspose", "Gemm", "MatMul");

  static final Set<String> QUANTIZED = Set.of(
      "Conv", "ConvTranspose", "Gemm", "MatMul", "Add", "Mul", "Relu", "Clip", "AveragePool",
      "GlobalAveragePool", "Concat", "Softmax");

  static final Set<String> SHARING = Set.of(
      "Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze", "MaxPool");

  static final Set<String> ACTIVATIONS = Set.of("Relu", "Clip");

  /** Elementwise ops whose constant operands are quantized like their activations. */
  static final Set<String> CONSTANT_OPERANDS = Set.of("Add", "Mul");

  /** Every op type a selection may name. */
  static final Set<String> ALL = union(QUANTIZED, SHARING);

  private QuantizableOps() {}

  /** The op types of {@code a} and {@code b}, sorted and unmodifiable. */
  static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> u = new TreeSet<>(a);
    u.addAll(b);
    return Collections.unmodifiableSet(u);
  }

  /** True for ops of the default domain that this class knows. */
  static boolean isOnnx(NodeProto n) {
    return OnnxModel.sameDomain(n.getDomain(), OnnxModel.ONNX_DOMAIN);
  }

  /**
   * Positions of the inputs that carry activations (before constants are set aside): all inputs
   * of elementwise ops and Concat, the data input of unary ops, pools and sharing ops (Clip's
   * min/max, Reshape's shape, Squeeze's axes are parameters), A and B of MatMul and Gemm, X and
   * W of Conv (W is usually a constant weight, then handled as such).
   */
  static List<Integer> dataInputs(NodeProto n) {
    switch (n.getOpType()) {
      case "Add": case "Mul": case "Concat":
        return range(n.getInputCount());
      case "MatMul": case "Gemm": case "Conv": case "ConvTranspose":
        return range(Math.min(2, n.getInputCount()));
      default:
        return n.getInputCount() == 0 ? List.of() : List.of(0);
    }
  }

  /** Index of the weight input of an anchor (Conv W, Gemm B, MatMul B). */
  static int weightInput(NodeProto n) {
    return 1;
  }

  /** Index of the bias input of an anchor, or -1: Conv/ConvTranspose input 2, Gemm C. */
  static int biasInput(NodeProto n) {
    switch (n.getOpType()) {
      case "Conv": case "ConvTranspose": case "Gemm":
        return n.getInputCount() > 2 && !n.getInput(2).isEmpty() ? 2 : -1;
      default:
        return -1;
    }
  }

  /**
   * The output-channel axis of an anchor's weight of rank {@code rank}, or -1 for per-tensor
   * only. Conv W is [M, C/group, k...]: axis 0. ConvTranspose W is [C, M/group, k...]: axis 1, and
   * only with group 1 (with groups, axis 1 does not enumerate output channels). Gemm B is [N, K]
   * with transB = 1, else [K, N]. MatMul B [..., K, N]: its last axis.
   */
  static int weightAxis(NodeProto n, int rank) {
    switch (n.getOpType()) {
      case "Conv":
        return 0;
      case "ConvTranspose":
        return Attributes.getInt(n, "group", 1) == 1 ? 1 : -1;
      case "Gemm":
        return Attributes.getInt(n, "transB", 0) == 1 ? 0 : 1;
      case "MatMul":
        return rank >= 2 ? rank - 1 : -1;
      default:
        return -1;
    }
  }

  private static List<Integer> range(int n) {
    Integer[] r = new Integer[n];
    for (int i = 0; i < n; i++) {
      r[i] = i;
    }
    return List.of(r);
  }
}
