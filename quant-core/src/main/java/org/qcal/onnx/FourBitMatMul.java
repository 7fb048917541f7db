package org.qcal.onnx;

import java.util.List;
import java.util.Set;
import org.qcal.onnx.proto.Onnx.NodeProto;
import org.qcal.onnx.proto.Onnx.TensorProto;
import org.qcal.quant.QuantType;

/**
 * Turns a MatMul or Gemm with a constant weight into ONNX Runtime's {@code
 * com.microsoft.MatMulNBits} with 4-bit block-wise weights ({@link NibbleBlocks}): the op with
 * CPU kernels for 4-bit weights at any ONNX opset (MLAS SQNBitGemm; docs/DESIGN.md "4-bit
 * weights"). Its inputs are A, B, scales, zero_points, g_idx, bias (ONNX Runtime's
 * contrib_ops/cpu/quantization/matmul_nbits.cc); attributes K, N, bits, block_size and
 * accuracy_level 4, which makes the kernel quantize A to int8 per block and compute in
 * integers where MLAS has such a kernel for the CPU.
 *
 * <p>Taken: MatMul whose B (input 1) is a 2-D constant {@code [K, N]}; Gemm with transA 0,
 * alpha 1, a 2-D constant B ({@code [K, N]}, or {@code [N, K]} with transB 1), and no C or a
 * constant C of N values, which becomes the bias times beta. Any other node keeps 8-bit
 * weights.
 */
final class FourBitMatMul {
  /** MatMulNBits' accuracy_level for int8 compute (ORT's ACCURACY_LEVEL Level4). */
  static final long ACCURACY_INT8 = 4;

  private final ConstantValues constants;
  private final Set<String> used;
  private final String modelName;

  FourBitMatMul(ConstantValues constants, Set<String> used, String modelName) {
    this.constants = constants;
    this.used = used;
    this.modelName = modelName;
  }

  /** True when {@code node}'s weight {@code spec} can become a MatMulNBits (see the class). */
  boolean accepts(NodeProto node, WeightSpec spec) {
    if (spec.input() != 1 || spec.dims().size() != 2) {
      return false;
    }
    if (node.getOpType().equals("MatMul")) {
      return true;
    }
    if (!node.getOpType().equals("Gemm") || Attributes.getInt(node, "transA", 0) != 0
        || Attributes.getFloat(node, "alpha", 1f) != 1f) {
      return false;
    }
    if (node.getInputCount() < 3 || node.getInput(2).isEmpty()) {
      return true;
    }
    TensorProto c = constants.floatValue(node.getInput(2));
    return c != null && TensorData.elementCount(c.getDimsList()) == outputs(node, spec)
        && c.getDimsCount() == 1;
  }

  /** N, the output columns. */
  private static long outputs(NodeProto node, WeightSpec spec) {
    boolean transposed = node.getOpType().equals("Gemm") && Attributes.getInt(node, "transB", 0)
        != 0;
    return spec.dims().get(transposed ? 0 : 1);
  }

  /**
   * The MatMulNBits node that replaces {@code node} (same name, same output); adds its
   * initializers to {@code edit}. {@code node} must be {@link #accepts accepted}.
   */
  NibbleBlocks replace(GraphEdit edit, int index, NodeProto node, WeightSpec spec,
      TensorProto weight, WeightQuantization settings) {
    boolean transposed = node.getOpType().equals("Gemm")
        && Attributes.getInt(node, "transB", 0) != 0;
    int n = Math.toIntExact(outputs(node, spec));
    int k = Math.toIntExact(spec.dims().get(transposed ? 1 : 0));
    NibbleBlocks q = NibbleBlocks.quantize(spec.initializer(),
        TensorData.floats(weight, modelName), k, n, transposed, settings.blockSize(),
        settings.type());
    String base = spec.initializer();
    String blob = Names.unique(base + "_nbits", used);
    String scales = Names.unique(base + "_nbits_scale", used);
    edit.addInitializer(TensorData.bytes(blob, QuantType.UINT8,
        List.of((long) n, (long) q.kBlocks(), (long) settings.blockSize() / 2), q.blob()));
    edit.addInitializer(TensorData.floats(scales, List.of((long) q.params().channels()),
        q.params().scales()));
    String zeroPoints = "";
    if (q.zeroPoints() != null) {
      zeroPoints = Names.unique(base + "_nbits_zero_point", used);
      edit.addInitializer(TensorData.bytes(zeroPoints, QuantType.UINT8,
          List.of((long) q.zeroPoints().length), q.zeroPoints()));
    }
    NodeProto.Builder b = NodeProto.newBuilder().setOpType("MatMulNBits")
        .setDomain(QdqInserter.CONTRIB_DOMAIN).setName(node.getName())
        .addInput(node.getInput(0)).addInput(blob).addInput(scales).addInput(zeroPoints)
        .addOutput(node.getOutput(0))
        .addAttribute(Attributes.ofInt("K", k)).addAttribute(Attributes.ofInt("N", n))
        .addAttribute(Attributes.ofInt("bits", 4))
        .addAttribute(Attributes.ofInt("block_size", settings.blockSize()))
        .addAttribute(Attributes.ofInt("accuracy_level", ACCURACY_INT8));
    String bias = bias(node);
    if (bias != null) {
      b.addInput("").addInput(bias); // g_idx absent, bias at input 5
      edit.addInitializer(TensorData.floats(bias, List.of((long) n), biasValues(node)));
    }
    edit.replace(index, b.build());
    edit.removeIfUnused(spec.initializer());
    if (node.getOpType().equals("Gemm") && node.getInputCount() > 2
        && !node.getInput(2).isEmpty()) {
      edit.removeIfUnused(node.getInput(2));
    }
    return q;
  }

  /** The bias initializer's name for a Gemm with C, else null. */
  private String bias(NodeProto node) {
    if (!node.getOpType().equals("Gemm") || node.getInputCount() < 3
        || node.getInput(2).isEmpty()) {
      return null;
    }
    return Names.unique(node.getInput(2) + "_nbits_bias", used);
  }

  /** Gemm's C times beta: MatMulNBits adds its bias unscaled. */
  private float[] biasValues(NodeProto node) {
    float[] c = TensorData.floats(constants.floatValue(node.getInput(2)), modelName);
    float beta = Attributes.getFloat(node, "beta", 1f);
    for (int i = 0; i < c.length; i++) {
      c[i] *= beta;
    }
    return c;
  }
}
