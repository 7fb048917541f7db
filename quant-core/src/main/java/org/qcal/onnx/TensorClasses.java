package org.qcal.onnx;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.qcal.onnx.proto.Onnx.AttributeProto;
import org.qcal.onnx.proto.Onnx.NodeProto;
import org.qcal.onnx.proto.Onnx.ValueInfoProto;

/**
 * What every tensor of a main graph is, decided once, in graph order:
 *
 * <ul>
 *   <li>{@link Kind#CONSTANT}: a constant initializer, the output of a {@code Constant} node, or
 *       the output of a deterministic node whose inputs are all constants (the LayerNorm epsilon,
 *       a weight behind {@code Identity}/{@code Transpose}/{@code Cast}, a weight slice feeding an
 *       LSTM). Its value is the same for every row: it is never tapped.
 *   <li>{@link Kind#SHAPE}: what depends on the shape of the inputs but not on their values:
 *       {@code Shape}/{@code Size} of a non-constant, the integer arithmetic torch.onnx builds on
 *       it ({@code Gather}, {@code Concat}, {@code Cast}, {@code Unsqueeze}, {@code
 *       ConstantOfShape} ...), and float tensors computed from constants and such shapes only:
 *       a position embedding sliced to the sequence length ({@code [1, T, D]}, no batch dim), a
 *       class token expanded to the batch. Their values are the same for every row: not tapped;
 *       a quantized op reading one leaves that input float.
 *   <li>{@link Kind#ACTIVATION}: everything else: graph inputs and the tensors computed from them.
 * </ul>
 *
 * Every initializer is a constant, also one listed as a graph input ({@code
 * keep_initializers_as_inputs}): from IR version 4 such an input is an overridable default
 * (onnx.proto), but ONNX Runtime lists only the other inputs as the model's inputs, so qcal never
 * feeds it and the calibration runs on its stored value. Random ops and nodes with subgraphs are
 * never constant. Only activations are calibrated.
 */
final class TensorClasses {
  /** The class of a tensor. */
  enum Kind { CONSTANT, SHAPE, ACTIVATION }

  /** Ops whose output differs from run to run although their inputs are constant. */
  private static final Set<String> RANDOM = Set.of(
      "RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Multinomial",
      "Bernoulli");

  /** Ops whose output depends on the shape of their input, not on its values. */
  private static final Set<String> SHAPE_OF = Set.of("Shape", "Size");

  private final Map<String, Kind> kinds = new HashMap<>();

  private TensorClasses() {}

  /** Classifies every tensor of {@code index}'s graph. */
  static TensorClasses classify(GraphIndex index) {
    TensorClasses c = new TensorClasses();
    for (ValueInfoProto v : index.graph().getInputList()) {
      c.kinds.put(v.getName(), index.initializer(v.getName()) != null
          ? Kind.CONSTANT : Kind.ACTIVATION);
    }
    for (var init : index.graph().getInitializerList()) {
      c.kinds.putIfAbsent(init.getName(), Kind.CONSTANT);
    }
    // Nodes are topologically sorted (onnx.proto), so every input is classified before use.
    for (int i = 0; i < index.nodeCount(); i++) {
      NodeProto n = index.node(i);
      for (String out : n.getOutputList()) {
        if (!out.isEmpty()) {
          c.kinds.put(out, c.classifyOutput(n));
        }
      }
    }
    return c;
  }

  private Kind classifyOutput(NodeProto n) {
    String op = QuantizableOps.isOnnx(n) ? n.getOpType() : "";
    if (op.equals("Constant")) {
      return Kind.CONSTANT;
    }
    if (op.isEmpty() || RANDOM.contains(op) || hasSubgraph(n)) {
      return Kind.ACTIVATION;
    }
    boolean allConstant = true;
    boolean onlyShapes = true;
    for (String in : n.getInputList()) {
      if (in.isEmpty()) {
        continue;
      }
      Kind k = of(in);
      allConstant &= k == Kind.CONSTANT;
      onlyShapes &= k != Kind.ACTIVATION;
    }
    if (allConstant) {
      return Kind.CONSTANT;
    }
    if (SHAPE_OF.contains(op)) {
      return Kind.SHAPE;
    }
    return onlyShapes ? Kind.SHAPE : Kind.ACTIVATION;
  }

  private static boolean hasSubgraph(NodeProto n) {
    for (AttributeProto a : n.getAttributeList()) {
      if (a.hasG() || a.getGraphsCount() > 0) {
        return true;
      }
    }
    return false;
  }

  /** The class of {@code tensor}; a name the graph never defines is an activation. */
  Kind of(String tensor) {
    return kinds.getOrDefault(tensor, Kind.ACTIVATION);
  }

  boolean isConstant(String tensor) {
    return of(tensor) == Kind.CONSTANT;
  }

  boolean isActivation(String tensor) {
    return of(tensor) == Kind.ACTIVATION;
  }
}
