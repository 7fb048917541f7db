package org.qcal.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.qcal.Check;
import org.qcal.onnx.proto.Onnx.NodeProto;
import org.qcal.onnx.proto.Onnx.TensorProto;

/**
 * Folds measured output shifts into the biases of Conv and Gemm nodes ({@link BiasShiftModel}):
 * the bias becomes {@code b - shift}, so that the quantized-weight node's expected output equals
 * the FP32 one's. A node without a bias gets one. Each corrected bias is a new initializer, so a
 * bias that other nodes share is left as it is for them. Only the values change, never a node's
 * place or outputs, so the calibration plan of the corrected model taps the same tensors.
 */
public final class BiasCorrection {
  private BiasCorrection() {}

  /**
   * {@code model} with {@code shifts} (node index to per-channel shift) folded into those nodes'
   * biases; the notes say which nodes were left as they were, and why.
   */
  public static OnnxModel apply(OnnxModel model, Map<Integer, float[]> shifts,
      List<String> notes) {
    Check.notNull(model, "model");
    GraphIndex index = new GraphIndex(model.graph(), model.proto().getIrVersion());
    ConstantValues constants = new ConstantValues(index, TensorClasses.classify(index),
        model.name());
    Set<String> used = index.usedNames();
    GraphEdit edit = new GraphEdit(model.graph());
    for (Map.Entry<Integer, float[]> e : shifts.entrySet()) {
      int i = e.getKey();
      NodeProto node = index.node(i);
      float[] shift = e.getValue();
      float scale = node.getOpType().equals("Gemm") ? Attributes.getFloat(node, "beta", 1f) : 1f;
      if (scale == 0f) {
        notes.add("bias correction skipped for " + index.label(i) + ": Gemm beta is 0");
        continue;
      }
      float[] bias = new float[shift.length];
      String base = index.label(i) + "_bias";
      if (node.getInputCount() > 2 && !node.getInput(2).isEmpty()) {
        TensorProto b = constants.floatValue(node.getInput(2));
        if (b == null || TensorData.elementCount(b.getDimsList()) != shift.length) {
          notes.add("bias correction skipped for " + index.label(i) + ": its bias is not a"
              + " constant of one value per output channel");
          continue;
        }
        bias = TensorData.floats(b, model.name());
        base = node.getInput(2);
      }
      float[] corrected = new float[shift.length];
      for (int c = 0; c < shift.length; c++) {
        // Gemm adds beta * C: the shift is taken off C divided by beta.
        corrected[c] = bias[c] - shift[c] / scale;
      }
      String name = Names.unique(base + "_corrected", used);
      edit.addInitializer(TensorData.floats(name, List.of((long) shift.length), corrected));
      List<String> inputs = new ArrayList<>(node.getInputList());
      while (inputs.size() < 3) {
        inputs.add("");
      }
      inputs.set(2, name);
      edit.replace(i, node.toBuilder().clearInput().addAllInput(inputs).build());
      if (node.getInputCount() > 2) {
        edit.removeIfUnused(node.getInput(2));
      }
    }
    return model.derive(model.proto().toBuilder().setGraph(edit.apply()).build());
  }
}
