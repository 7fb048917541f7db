package org.qcal.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.qcal.Check;
import org.qcal.QcalException;
import org.qcal.onnx.proto.Onnx.NodeProto;

/**
 * Finds what to calibrate in a model: the float activations at the inputs and outputs of the
 * selected quantizable ops ({@link QuantizableOps}), which of them share params through sharing
 * ops, which are folded into a following Relu/Clip, and the weights and biases to quantize.
 *
 * <p>Only tensors of element type float32 are quantized ({@link ElementTypes}); integer shape
 * arithmetic (Shape -> Gather -> Concat -> Reshape) is left alone even where it uses Add or
 * Concat.
 */
public final class GraphAnalyzer {
  private final OnnxModel model;
  private final NodeSelection selection;
  private final boolean foldActivations;
  private final GraphIndex index;
  private final ElementTypes types;
  private final TensorRanks ranks;
  private final TensorClasses classes;

  private final boolean[] quantized;
  private final boolean[] absorbed;
  private final String[] groupOutput;
  private final Map<String, String> folded = new LinkedHashMap<>();
  private final Map<String, String> parent = new HashMap<>();
  private final Set<String> qdq = new LinkedHashSet<>();

  private GraphAnalyzer(OnnxModel model, NodeSelection selection, boolean foldActivations) {
    this.model = model;
    this.selection = selection;
    this.foldActivations = foldActivations;
    this.index = new GraphIndex(model.graph(), model.proto().getIrVersion());
    this.types = ElementTypes.infer(index);
    this.ranks = TensorRanks.infer(index);
    this.classes = TensorClasses.classify(index);
    int n = index.nodeCount();
    this.quantized = new boolean[n];
    this.absorbed = new boolean[n];
    this.groupOutput = new String[n];
  }

  /** The plan for every quantizable node, folding activations. */
  public static CalibrationPlan analyze(OnnxModel model) {
    return analyze(model, NodeSelection.ALL, true);
  }

  /**
   * The plan for the nodes {@code selection} accepts. With {@code foldActivations} a Relu/Clip
   * that is the only reader of a quantized op's output is folded into it; switch it off for
   * activation types whose zero point is not the type's minimum (symmetric int8), where ONNX
   * Runtime cannot drop the Relu and needs the pre-activation params too.
   */
  public static CalibrationPlan analyze(OnnxModel model, NodeSelection selection,
      boolean foldActivations) {
    Check.notNull(model, "model");
    Check.notNull(selection, "node selection");
    return new GraphAnalyzer(model, selection, foldActivations).plan();
  }

  private CalibrationPlan plan() {
    checkNamedNodesExist();
    for (int i = 0; i < index.nodeCount(); i++) {
      quantized[i] = isQuantizable(i);
    }
    for (int i = 0; i < index.nodeCount(); i++) {
      if (quantized[i] && !absorbed[i]) {
        groupOutput[i] = formGroup(i);
      }
    }
    List<String> nodes = new ArrayList<>();
    for (int i = 0; i < index.nodeCount(); i++) {
      if (quantized[i] && !absorbed[i]) {
        activationInputs(i).forEach(this::addQdq);
        addQdq(groupOutput[i]);
        nodes.add(index.label(i));
      }
    }
    shareThroughSharingOps();
    if (qdq.isEmpty()) {
      throw new QcalException("model " + model.name() + " has no float tensors to calibrate:"
          + " none of its " + index.nodeCount() + " nodes is a selected quantizable op ("
          + QuantizableOps.QUANTIZED + ") with float32 inputs");
    }
    List<String> ordered = graphOrder(qdq);
    Map<String, String> source = new LinkedHashMap<>();
    for (String t : ordered) {
      source.put(t, measured(root(t)));
    }
    for (Map.Entry<String, String> e : folded.entrySet()) {
      e.setValue(measured(root(e.getValue())));
    }
    WeightsAndBiases wb = new WeightsAndBiases(index,
        new ConstantValues(index, classes, model.name()));
    for (int i = 0; i < index.nodeCount(); i++) {
      if (!quantized[i] || absorbed[i]) {
        continue;
      }
      String op = index.node(i).getOpType();
      if (QuantizableOps.ANCHORS.contains(op)) {
        wb.collect(i);
      } else if (QuantizableOps.CONSTANT_OPERANDS.contains(op)) {
        wb.collectOperands(i, groupOutput[i]);
      }
    }
    return new CalibrationPlan(model.name(), index.nodeCount(), ordered, source, folded,
        wb.weights(), wb.biases(), wb.operands(), nodes);
  }

  /**
   * A selected quantized op of the default domain with float32 data and an activation output
   * (an op computing on constants only is folded by the runtime, not quantized).
   */
  private boolean isQuantizable(int i) {
    NodeProto n = index.node(i);
    if (!QuantizableOps.isOnnx(n) || !QuantizableOps.QUANTIZED.contains(n.getOpType())
        || !selection.accepts(n) || n.getOutputCount() == 0 || !types.isFloat(n.getOutput(0))
        || !classes.isActivation(n.getOutput(0))) {
      return false;
    }
    for (int p : QuantizableOps.dataInputs(n)) {
      String in = n.getInput(p);
      if (!in.isEmpty() && !types.isFloat(in)) {
        return false;
      }
    }
    // The activation input of an anchor must be a run-time value, not a constant.
    return !QuantizableOps.ANCHORS.contains(n.getOpType()) || classes.isActivation(n.getInput(0));
  }

  /**
   * Absorbs the bias Add after a MatMul with a constant weight and then a Relu/Clip, each only
   * when it is the sole reader; returns the tensor that carries the group's output params.
   */
  private String formGroup(int i) {
    NodeProto n = index.node(i);
    String tail = n.getOutput(0);
    if (!foldActivations || QuantizableOps.ACTIVATIONS.contains(n.getOpType())) {
      return tail;
    }
    if (n.getOpType().equals("MatMul") && isConstant(n.getInput(1))
        && ranks.of(n.getInput(0)) == 2 && ranks.of(n.getInput(1)) == 2) {
      // For 2-D inputs ONNX Runtime turns MatMul + Add(constant) into Gemm and the QDQ group
      // into QGemm, whose int32 accumulator takes the bias: the MatMul output needs no params.
      // With other ranks it inserts Reshapes that break the QDQ group, so the MatMul keeps its
      // own output params and becomes QLinearMatMul.
      int add = soleReader(tail);
      if (add >= 0 && isConstantBiasAdd(add, tail)) {
        tail = absorb(add, tail);
      }
    }
    int act = soleReader(tail);
    if (act >= 0 && isFoldableActivation(act)) {
      tail = absorb(act, tail);
    }
    return tail;
  }

  private String absorb(int node, String pre) {
    absorbed[node] = true;
    quantized[node] = false;
    String out = index.node(node).getOutput(0);
    folded.replaceAll((k, v) -> v.equals(pre) ? out : v);
    folded.put(pre, out);
    return out;
  }

  private int soleReader(String tensor) {
    List<Integer> readers = index.consumers(tensor);
    return readers.size() == 1 && index.onlyConsumerIs(tensor, readers.get(0))
        ? readers.get(0) : -1;
  }

  private boolean isConstantBiasAdd(int node, String from) {
    NodeProto add = index.node(node);
    if (!add.getOpType().equals("Add") || !QuantizableOps.isOnnx(add) || !selection.accepts(add)
        || add.getInputCount() != 2 || !types.isFloat(add.getOutput(0))) {
      return false;
    }
    String other = add.getInput(0).equals(from) ? add.getInput(1) : add.getInput(0);
    return isConstant(other) && types.isFloat(other);
  }

  /** Relu, or Clip whose bounds are constants (ONNX Runtime can only then prove it redundant). */
  private boolean isFoldableActivation(int node) {
    NodeProto act = index.node(node);
    if (!QuantizableOps.ACTIVATIONS.contains(act.getOpType()) || !QuantizableOps.isOnnx(act)
        || !selection.accepts(act) || !types.isFloat(act.getOutput(0))) {
      return false;
    }
    for (int p = 1; p < act.getInputCount(); p++) {
      if (!act.getInput(p).isEmpty() && !isConstant(act.getInput(p))) {
        return false;
      }
    }
    return true;
  }

  /** The float inputs of node {@code i} that are activations (not weights, not constants). */
  private List<String> activationInputs(int i) {
    NodeProto n = index.node(i);
    List<String> acts = new ArrayList<>();
    for (int p : QuantizableOps.dataInputs(n)) {
      String in = n.getInput(p);
      if (!in.isEmpty() && classes.isActivation(in) && types.isFloat(in) && !acts.contains(in)) {
        acts.add(in);
      }
    }
    return acts;
  }

  private void addQdq(String tensor) {
    if (qdq.add(tensor)) {
      parent.putIfAbsent(tensor, tensor);
    }
  }

  /**
   * Extends quantization through sharing ops in both directions until nothing changes: a
   * Flatten after a quantized tensor is quantized with the same params (ONNX Runtime then drops
   * its DQ/Q pair), and a Flatten feeding a quantized op passes the need for params to its input.
   */
  private void shareThroughSharingOps() {
    boolean changed = true;
    while (changed) {
      changed = false;
      for (int i = 0; i < index.nodeCount(); i++) {
        NodeProto n = index.node(i);
        if (!QuantizableOps.SHARING.contains(n.getOpType()) || !QuantizableOps.isOnnx(n)
            || !selection.accepts(n) || n.getInputCount() == 0 || n.getOutputCount() == 0) {
          continue;
        }
        String in = n.getInput(0);
        String out = n.getOutput(0);
        if (!classes.isActivation(in) || !types.isFloat(in) || !types.isFloat(out)
            || folded.containsKey(in) || !(qdq.contains(in) || qdq.contains(out))) {
          continue;
        }
        if (!qdq.contains(in) || !qdq.contains(out) || !parent.get(out).equals(in)) {
          addQdq(in);
          addQdq(out);
          parent.put(out, in);
          changed = true;
        }
      }
    }
  }

  private String root(String tensor) {
    String t = tensor;
    for (int guard = 0; guard <= parent.size(); guard++) {
      String p = parent.getOrDefault(t, t);
      if (p.equals(t)) {
        return t;
      }
      t = p;
    }
    throw new IllegalStateException("cycle in params sharing at " + tensor);
  }

  /**
   * The tensor whose statistics give the params of the sharing group headed by {@code head}: the
   * head, or, while the tensor's only reader is a MaxPool of the group, that MaxPool's output.
   * Quantization is monotonic, so {@code Q(MaxPool(x)) = MaxPool(Q(x))}: the int8 model depends
   * on the head's values only through the pool's output, and the pool's statistics are those of
   * exactly the values the rest of the network sees (the same maximum where the windows cover
   * the input). Measuring there costs less: the pool output is a fraction of the head's size,
   * and in ONNX Runtime's NCHWc layout (optimization level ALL) every tapped Conv output is
   * copied back to NCHW for the graph output, which a MaxPool after it no longer needs.
   */
  private String measured(String head) {
    String tensor = head;
    for (int reader = soleReader(tensor); reader >= 0; reader = soleReader(tensor)) {
      NodeProto n = index.node(reader);
      if (!n.getOpType().equals("MaxPool") || !QuantizableOps.isOnnx(n)
          || n.getOutputCount() != 1 || !qdq.contains(n.getOutput(0))
          || !root(n.getOutput(0)).equals(head)) {
        break;
      }
      tensor = n.getOutput(0);
    }
    return tensor;
  }

  /** Graph inputs first (in input order), then tensors by the position of their producer. */
  private List<String> graphOrder(Set<String> tensors) {
    Set<String> ordered = new LinkedHashSet<>();
    for (var v : index.graph().getInputList()) {
      if (tensors.contains(v.getName())) {
        ordered.add(v.getName());
      }
    }
    for (int i = 0; i < index.nodeCount(); i++) {
      for (String out : index.node(i).getOutputList()) {
        if (tensors.contains(out)) {
          ordered.add(out);
        }
      }
    }
    return new ArrayList<>(ordered);
  }

  private boolean isConstant(String tensor) {
    return classes.isConstant(tensor);
  }

  private void checkNamedNodesExist() {
    Set<String> names = new LinkedHashSet<>();
    for (NodeProto n : index.graph().getNodeList()) {
      names.add(n.getName());
    }
    for (String wanted : selection.namedNodes()) {
      if (!names.contains(wanted)) {
        throw new QcalException("node '" + wanted + "' named in the include/exclude lists is not"
            + " in model " + model.name());
      }
    }
  }
}
