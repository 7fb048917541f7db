package org.qcal.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.qcal.onnx.proto.Onnx.GraphProto;
import org.qcal.onnx.proto.Onnx.NodeProto;

/**
 * Which quantized nodes of a QDQ model ONNX Runtime really runs with integer kernels, read from
 * the graph ORT executes after its optimizations (its QDQ fusions turn DequantizeLinear -> Conv
 * -> QuantizeLinear into one QLinearConv, and so on; a node it cannot fuse stays a float op
 * between DequantizeLinear and QuantizeLinear, i.e. costs more than FP32).
 *
 * <p>A <em>quantized node</em> of the QDQ model is a node of an op type qcal quantizes ({@link
 * QuantizableOps#QUANTIZED}: Conv, MatMul, Gemm, Add, Softmax, ...) with at least one input
 * produced by DequantizeLinear; float ops that merely read a dequantized tensor (a
 * BatchNormalization after a quantized Conv, an LSTM) are not counted. It is <em>left float</em>
 * when the optimized graph still holds a node of the same op type writing the same output
 * tensor: ORT keeps tensor names of nodes it does not fuse, while a fused node writes the
 * QuantizeLinear's output instead.
 *
 * @param int8Ops integer op type to its count in the optimized graph (QLinearConv, QGemm, ...)
 * @param quantizedNodes how many compute nodes of the QDQ model have dequantized inputs
 * @param leftFloat "name (op)" of each quantized node ORT left in float, in graph order
 */
public record KernelCensus(Map<String, Integer> int8Ops, int quantizedNodes,
    List<String> leftFloat) {

  /**
   * Integer compute ops of ONNX and of ORT's com.microsoft domain (ORT's contrib operator list);
   * QuantizeLinear/DequantizeLinear themselves are conversions, not compute, and not counted.
   */
  /**
   * ONNX Runtime's 4-bit weight MatMul, which qcal writes itself ({@link FourBitMatMul}): a
   * quantized node of the QDQ model that is its own kernel, with int8 compute
   * (accuracy_level 4) where MLAS has it for the CPU.
   */
  private static final String MAT_MUL_N_BITS = "MatMulNBits";

  private static final Set<String> INTEGER_OPS = Set.of("QLinearConv", "QLinearMatMul",
      "MatMulInteger", "ConvInteger", "QGemm", "QLinearAdd", "QLinearMul", "QLinearConcat",
      "QLinearAveragePool", "QLinearGlobalAveragePool", "QLinearSigmoid", "QLinearLeakyRelu",
      "QLinearSoftmax", "QLinearReduceMean", "QLinearWhere", "QAttention", "QOrderedMatMul",
      "MatMulIntegerToFloat", "DynamicQuantizeMatMul", "QLinearConvTranspose", "QEmbedLayerNormalization",
      MAT_MUL_N_BITS);

  public KernelCensus {
    int8Ops = java.util.Collections.unmodifiableMap(new TreeMap<>(int8Ops)); // sorted by op
    leftFloat = List.copyOf(leftFloat);
  }

  /** The census of {@code qdq} as ORT optimized it into {@code optimized}. */
  public static KernelCensus of(GraphProto qdq, GraphProto optimized) {
    Map<String, Integer> int8 = new TreeMap<>();
    Set<String> floatOutputs = new java.util.HashSet<>();
    for (NodeProto n : optimized.getNodeList()) {
      if (INTEGER_OPS.contains(n.getOpType())) {
        int8.merge(n.getOpType(), 1, Integer::sum);
      }
      for (String out : n.getOutputList()) {
        floatOutputs.add(n.getOpType() + "\u0000" + out);
      }
    }
    Set<String> dequantized = new java.util.HashSet<>();
    for (NodeProto n : qdq.getNodeList()) {
      if (n.getOpType().equals("DequantizeLinear")) {
        dequantized.addAll(n.getOutputList());
      }
    }
    int quantized = 0;
    List<String> leftFloat = new ArrayList<>();
    for (NodeProto n : qdq.getNodeList()) {
      if (n.getOpType().equals(MAT_MUL_N_BITS)) {
        quantized++;
        continue;
      }
      if (!QuantizableOps.QUANTIZED.contains(n.getOpType())
          || n.getInputList().stream().noneMatch(dequantized::contains)) {
        continue;
      }
      quantized++;
      if (n.getOutputCount() > 0
          && floatOutputs.contains(n.getOpType() + "\u0000" + n.getOutput(0))) {
        leftFloat.add((n.getName().isEmpty() ? n.getOutput(0) : n.getName())
            + " (" + n.getOpType() + ")");
      }
    }
    return new KernelCensus(int8, quantized, leftFloat);
  }

  /** "5 of 6 quantized nodes run int8 kernels (QLinearConv 4, QGemm 1); left float: x (Conv)". */
  public String summary() {
    String ops = int8Ops.isEmpty() ? "none" : String.join(", ", int8Ops.entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue()).toList());
    return (quantizedNodes - leftFloat.size()) + " of " + quantizedNodes + " quantized nodes run"
        + " int8 kernels in ONNX Runtime (" + ops + ")"
        + (leftFloat.isEmpty() ? "" : "; left float: " + String.join(", ", leftFloat));
  }
}
