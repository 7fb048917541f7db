package org.qcal.onnx;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.qcal.Check;
import org.qcal.onnx.proto.Onnx.NodeProto;
import org.qcal.onnx.proto.Onnx.TensorProto;

/**
 * Where SmoothQuant applies (docs/DESIGN.md, "SmoothQuant"): an activation {@code X [..., K]}
 * read by MatMul or Gemm nodes whose constant weight the plan quantizes, and written by a
 * LayerNorm whose per-channel scale and bias can absorb {@code 1/s}: a LayerNormalization over the
 * last axis, or a decomposed one ending in {@code Add(Mul(z, gamma), beta)} with constant {@code
 * gamma} and {@code beta} of {@code K} values. The paper smooths exactly these (Xiao et al. 2022,
 * section 4: the inputs of the attention and FFN projections, folded into the LayerNorm). An
 * activation written by anything else keeps its values: a Mul by {@code 1/s} inserted before the
 * projections would read {@code X} through the Q/DQ pair the export gives every reader of a
 * quantized {@code X}, which quantizes the outliers SmoothQuant means to remove.
 *
 * <p>The projections that share {@code X} (Q, K and V) share one site, hence one scale.
 */
public final class SmoothingSites {
  /**
   * One activation to smooth.
   *
   * @param input the tensor {@code X}
   * @param channels {@code K}, its last dimension
   * @param linears the MatMul and Gemm nodes reading it whose weights are scaled, in graph order
   */
  public record Site(String input, int channels, List<Integer> linears) {
    public Site {
      linears = List.copyOf(linears);
    }
  }

  /**
   * A constant operand that absorbs {@code 1/s}: input {@code slot} of node {@code node}, one
   * value per channel.
   */
  record Operand(int node, int slot) {}

  private SmoothingSites() {}

  /** The sites of {@code model} among the weights {@code plan} quantizes, in graph order. */
  public static List<Site> find(OnnxModel model, CalibrationPlan plan) {
    Check.notNull(model, "model");
    Check.notNull(plan, "calibration plan");
    GraphIndex index = new GraphIndex(model.graph(), model.proto().getIrVersion());
    ConstantValues constants = new ConstantValues(index, TensorClasses.classify(index),
        model.name());
    Map<String, List<Integer>> byInput = new LinkedHashMap<>();
    Map<String, Integer> channels = new LinkedHashMap<>();
    for (WeightSpec w : plan.weights()) {
      NodeProto node = index.node(w.node());
      int k = inputChannels(node, w.input(), constants);
      if (k < 0) {
        continue;
      }
      String x = node.getInput(0);
      if (channels.getOrDefault(x, k) != k) {
        byInput.remove(x); // projections that disagree on K: not one site
        channels.put(x, -1);
        continue;
      }
      channels.put(x, k);
      byInput.computeIfAbsent(x, n -> new ArrayList<>()).add(w.node());
    }
    List<Site> sites = new ArrayList<>();
    byInput.forEach((x, linears) -> {
      if (!index.isGraphOutput(x) && foldTargets(index, constants, x, channels.get(x)) != null) {
        sites.add(new Site(x, channels.get(x), linears.stream().sorted().toList()));
      }
    });
    return sites;
  }

  /**
   * {@code K} of a MatMul or Gemm whose weight at {@code slot} is a constant float matrix ({@code
   * [K, N]}, Gemm's {@code [N, K]} with transB), or -1 when SmoothQuant does not apply to it.
   */
  static int inputChannels(NodeProto node, int slot, ConstantValues constants) {
    String op = node.getOpType();
    if (slot != 1 || !QuantizableOps.isOnnx(node) || !(op.equals("MatMul") || op.equals("Gemm"))
        || op.equals("Gemm") && Attributes.getInt(node, "transA", 0) != 0) {
      return -1;
    }
    TensorProto w = constants.floatValue(node.getInput(1));
    if (w == null || w.getDimsCount() != 2) {
      return -1;
    }
    boolean transposed = op.equals("Gemm") && Attributes.getInt(node, "transB", 0) != 0;
    return Math.toIntExact(w.getDims(transposed ? 1 : 0));
  }

  /**
   * The constant operands of {@code x}'s producer that {@code 1/s} folds into, or null when the
   * producer is no LayerNorm of {@code k} channels (see the class comment).
   */
  static List<Operand> foldTargets(GraphIndex index, ConstantValues constants, String x, int k) {
    int p = index.producer(x);
    if (p < 0 || !QuantizableOps.isOnnx(index.node(p))) {
      return null;
    }
    NodeProto n = index.node(p);
    if (n.getOpType().equals("LayerNormalization")) {
      if (!n.getOutput(0).equals(x) || Attributes.getInt(n, "axis", -1) != -1
          || !isChannelVector(constants, n, 1, k)) {
        return null;
      }
      boolean bias = n.getInputCount() > 2 && !n.getInput(2).isEmpty();
      if (bias && !isChannelVector(constants, n, 2, k)) {
        return null;
      }
      return bias ? List.of(new Operand(p, 1), new Operand(p, 2)) : List.of(new Operand(p, 1));
    }
    if (!n.getOpType().equals("Add") || n.getInputCount() != 2) {
      return null;
    }
    for (int betaSlot = 0; betaSlot < 2; betaSlot++) {
      String scaled = n.getInput(1 - betaSlot);
      int m = index.producer(scaled);
      if (!isChannelVector(constants, n, betaSlot, k) || m < 0
          || !index.onlyConsumerIs(scaled, p)) {
        continue;
      }
      NodeProto mul = index.node(m);
      if (!mul.getOpType().equals("Mul") || !QuantizableOps.isOnnx(mul)
          || mul.getInputCount() != 2) {
        continue;
      }
      for (int gammaSlot = 0; gammaSlot < 2; gammaSlot++) {
        if (isChannelVector(constants, mul, gammaSlot, k)
            && constants.floatValue(mul.getInput(1 - gammaSlot)) == null) {
          return List.of(new Operand(m, gammaSlot), new Operand(p, betaSlot));
        }
      }
    }
    return null;
  }

  /** Input {@code slot} of {@code n} is a constant float vector of shape {@code [k]}. */
  private static boolean isChannelVector(ConstantValues constants, NodeProto n, int slot, int k) {
    if (slot >= n.getInputCount() || n.getInput(slot).isEmpty()) {
      return false;
    }
    TensorProto v = constants.floatValue(n.getInput(slot));
    return v != null && v.getDimsCount() == 1 && v.getDims(0) == k;
  }
}
