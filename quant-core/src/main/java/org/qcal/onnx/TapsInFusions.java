package org.qcal.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.qcal.Check;
import org.qcal.onnx.proto.Onnx.NodeProto;

/**
 * The tapped tensors that lie inside a group of nodes ONNX Runtime fuses when it runs the plain
 * model. A graph output keeps its producer's result apart, so in the tap model ORT cannot fuse
 * the producer with the node that reads it; the calibration still taps such a tensor because the
 * QDQ model quantizes it (ORT has, for example, no int8 kernel that fuses a QLinearConv with the
 * QLinearAdd after it, so the Conv output is a real uint8 tensor with its own params), and the
 * log names it with the fusion it costs.
 *
 * <p>The patterns are ORT's CPU fusions of a producer with its only reader, from ONNX Runtime's
 * graph transformers (onnxruntime/core/optimizer/): Conv + Add, the NCHWc Conv's sum input at
 * optimization level ALL (nchwc_transformer.cc; a constant Add becomes the bias at every level,
 * conv_add_fusion.cc); Conv + activation (conv_activation_fusion.cc); Gemm + activation
 * (gemm_activation_fusion.cc); MatMul + Add into Gemm (matmul_add_fusion.cc); Conv +
 * BatchNormalization (conv_bn_fusion.cc). The Conv + Add pattern is checked against ORT's
 * optimized residual CNN in TapsInFusionsTest.
 */
public final class TapsInFusions {
  private static final Set<String> ACTIVATIONS =
      Set.of("Relu", "Clip", "Sigmoid", "Tanh", "LeakyRelu", "HardSigmoid");

  /** Producer op type -> the op types of a sole reader ORT fuses it with. */
  private static final Map<String, Set<String>> FUSED_READERS = Map.of(
      "Conv", QuantizableOps.union(ACTIVATIONS, Set.of("Add", "BatchNormalization")),
      "Gemm", ACTIVATIONS,
      "MatMul", Set.of("Add"));

  /**
   * A tapped tensor inside a fusion.
   *
   * @param tensor the tapped tensor
   * @param producer the op type that writes it
   * @param reader the op type of its only reader, which ORT would fuse with the producer
   */
  public record Fusion(String tensor, String producer, String reader) {
    /** "/block1/conv2/Conv_output_0 (Conv + Add)". */
    @Override
    public String toString() {
      return tensor + " (" + producer + " + " + reader + ")";
    }
  }

  private TapsInFusions() {}

  /** The tensors of {@code tapped} that lie inside a fusion of {@code model}, in that order. */
  public static List<Fusion> find(OnnxModel model, List<String> tapped) {
    Check.notNull(model, "model");
    Check.notNull(tapped, "tapped tensors");
    GraphIndex index = new GraphIndex(model.graph(), model.proto().getIrVersion());
    List<Fusion> fusions = new ArrayList<>();
    for (String tensor : tapped) {
      int producer = index.producer(tensor);
      List<Integer> readers = index.consumers(tensor);
      if (producer < 0 || readers.size() != 1
          || !index.onlyConsumerIs(tensor, readers.get(0))) {
        continue;
      }
      NodeProto p = index.node(producer);
      NodeProto r = index.node(readers.get(0));
      if (QuantizableOps.isOnnx(p) && QuantizableOps.isOnnx(r)
          && FUSED_READERS.getOrDefault(p.getOpType(), Set.of()).contains(r.getOpType())) {
        fusions.add(new Fusion(tensor, p.getOpType(), r.getOpType()));
      }
    }
    return fusions;
  }
}
