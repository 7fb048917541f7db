package org.qcal.onnx;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.qcal.Check;
import org.qcal.onnx.proto.Onnx.GraphProto;
import org.qcal.onnx.proto.Onnx.NodeProto;
import org.qcal.onnx.proto.Onnx.TensorProto;
import org.qcal.onnx.proto.Onnx.ValueInfoProto;

/**
 * Folds every inference-mode BatchNormalization that directly follows a Conv into that Conv
 * ({@link FoldedConvWeights}), as ONNX Runtime's quantization pre-processing does. paddle2onnx
 * and torch.onnx with {@code do_constant_folding=False} leave them unfolded; calibrating such a
 * graph as it is would tap the pre-BN tensor and quantize the unscaled weights, while a deployed
 * int8 Conv writes the post-BN values. The folded model computes the same function, up to float
 * rounding.
 *
 * <p>A BatchNormalization is folded when: only its output Y is used (no running statistics:
 * {@code training_mode} 0, the default from opset 14); before opset 9 {@code spatial} is 1 (the
 * default) and before opset 7 {@code is_test} is set, as the operator changelog defines the
 * inference form; scale, B, mean and var are float32 constants of one value per channel; its
 * input X is the only output of a default-domain Conv with a float32 constant weight W (an
 * initializer, a Constant node, or a view of one: {@link ConstantValues}) and a constant bias
 * or none; and X has no other reader and is not a graph output. Then the Conv reads new
 * initializers (fresh names, so a weight another node also reads is never changed) and writes Y
 * itself; the BatchNormalization, X and whatever only it read are removed. Tensor names other
 * than X stay, so the tensors qcal taps in the folded model are tensors of the original model.
 */
public final class BatchNormFolding {
  /** BatchNormalization's epsilon when the attribute is absent (every opset). */
  private static final float DEFAULT_EPSILON = 1e-5f;

  /**
   * @param model the folded model, or the model itself when nothing was folded
   * @param foldedNodes the labels of the BatchNormalization nodes folded away, in graph order
   */
  public record Result(OnnxModel model, List<String> foldedNodes) {
    public Result {
      foldedNodes = List.copyOf(foldedNodes);
    }

    public int folded() {
      return foldedNodes.size();
    }
  }

  private final OnnxModel model;
  private final GraphIndex index;
  private final ConstantValues constants;
  private final Set<String> used;
  private final GraphEdit edit;
  private final Set<String> removedTensors = new HashSet<>();
  private final List<String> foldedNodes = new ArrayList<>();

  private BatchNormFolding(OnnxModel model) {
    this.model = model;
    this.index = new GraphIndex(model.graph(), model.proto().getIrVersion());
    this.constants = new ConstantValues(index, TensorClasses.classify(index), model.name());
    this.used = index.usedNames();
    this.edit = new GraphEdit(model.graph());
  }

  /** {@code model} with every foldable BatchNormalization folded into its Conv. */
  public static Result fold(OnnxModel model) {
    Check.notNull(model, "model");
    return new BatchNormFolding(model).run();
  }

  private Result run() {
    for (int i = 0; i < index.nodeCount(); i++) {
      NodeProto n = index.node(i);
      if (n.getOpType().equals("BatchNormalization") && QuantizableOps.isOnnx(n)) {
        tryFold(i);
      }
    }
    if (foldedNodes.isEmpty()) {
      return new Result(model, List.of());
    }
    GraphProto.Builder graph = edit.apply().toBuilder();
    // The shapes inferred for the pre-BN tensors describe names that no longer exist.
    List<ValueInfoProto> infos = new ArrayList<>(graph.getValueInfoList());
    infos.removeIf(v -> removedTensors.contains(v.getName()));
    graph.clearValueInfo().addAllValueInfo(infos);
    return new Result(model.derive(model.proto().toBuilder().setGraph(graph).build()),
        foldedNodes);
  }

  private void tryFold(int bnIndex) {
    NodeProto bn = index.node(bnIndex);
    if (!isInferenceForm(bn)) {
      return;
    }
    String x = bn.getInput(0);
    int convIndex = index.producer(x);
    if (convIndex < 0 || !index.onlyConsumerIs(x, bnIndex)) {
      return;
    }
    NodeProto conv = index.node(convIndex);
    if (!conv.getOpType().equals("Conv") || !QuantizableOps.isOnnx(conv)
        || conv.getOutputCount() != 1 || conv.getInputCount() < 2) {
      return;
    }
    TensorProto w = constants.floatValue(conv.getInput(1));
    if (w == null || w.getDimsCount() < 3) {
      return;
    }
    int channels = Math.toIntExact(w.getDims(0));
    boolean hasBias = conv.getInputCount() > 2 && !conv.getInput(2).isEmpty();
    float[] bias = hasBias ? perChannel(conv.getInput(2), channels) : null;
    float[] scale = perChannel(bn.getInput(1), channels);
    float[] shift = perChannel(bn.getInput(2), channels);
    float[] mean = perChannel(bn.getInput(3), channels);
    float[] variance = perChannel(bn.getInput(4), channels);
    if ((hasBias && bias == null) || scale == null || shift == null || mean == null
        || variance == null) {
      return;
    }
    FoldedConvWeights folded = FoldedConvWeights.of(TensorData.floats(w, model.name()), bias,
        scale, shift, mean, variance, Attributes.getFloat(bn, "epsilon", DEFAULT_EPSILON));
    if (folded == null) {
      return;
    }
    String weightName = Names.unique(conv.getInput(1) + "_folded", used);
    String biasName = Names.unique(
        (hasBias ? conv.getInput(2) : conv.getInput(1) + "_bias") + "_folded", used);
    edit.addInitializer(TensorData.floats(weightName, w.getDimsList(), folded.weight()));
    edit.addInitializer(TensorData.floats(biasName, List.of((long) channels), folded.bias()));
    NodeProto.Builder c = conv.toBuilder().setInput(1, weightName).setOutput(0, bn.getOutput(0));
    if (conv.getInputCount() > 2) {
      c.setInput(2, biasName); // also over an empty name, the optional bias omitted
    } else {
      c.addInput(biasName);
    }
    edit.replace(convIndex, c.build());
    edit.remove(bnIndex);
    List<String> replaced = new ArrayList<>(conv.getInputList().subList(1, conv.getInputCount()));
    replaced.addAll(bn.getInputList().subList(1, 5));
    for (String old : replaced) {
      if (!old.isEmpty()) {
        edit.removeIfUnused(old);
      }
    }
    removedTensors.add(x);
    foldedNodes.add(index.label(bnIndex));
  }

  /**
   * True when {@code bn} normalizes with its stored mean and var, one per channel (dim 1), and
   * writes only Y (operator changelog: the running statistics of training mode are outputs 2
   * and up; {@code training_mode} from opset 14; {@code spatial} 0, per-activation statistics,
   * before opset 9; {@code is_test}, default 0, before opset 7).
   */
  private boolean isInferenceForm(NodeProto bn) {
    if (bn.getInputCount() != 5 || bn.getOutputCount() < 1 || bn.getOutput(0).isEmpty()) {
      return false;
    }
    for (int k = 0; k < 5; k++) {
      if (bn.getInput(k).isEmpty()) {
        return false;
      }
    }
    for (int k = 1; k < bn.getOutputCount(); k++) {
      if (!bn.getOutput(k).isEmpty()) {
        return false;
      }
    }
    return Attributes.getInt(bn, "training_mode", 0) == 0
        && Attributes.getInt(bn, "spatial", 1) == 1
        && (model.onnxOpset() >= 7 || Attributes.getInt(bn, "is_test", 0) != 0);
  }

  /** The values of float32 constant {@code tensor} when it holds one per channel, or null. */
  private float[] perChannel(String tensor, int channels) {
    TensorProto t = constants.floatValue(tensor);
    if (t == null || t.getDimsCount() != 1 || t.getDims(0) != channels) {
      return null;
    }
    return TensorData.floats(t, model.name());
  }
}
