package org.qcal.onnx;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.qcal.Check;
import org.qcal.QcalException;
import org.qcal.onnx.proto.Onnx.NodeProto;
import org.qcal.onnx.proto.Onnx.TensorProto;

/**
 * SmoothQuant (Xiao et al. 2022, "SmoothQuant: Accurate and Efficient Post-Training Quantization
 * for Large Language Models", eq. 4): a projection {@code Y = X W} equals {@code (X diag(s)^-1)
 * (diag(s) W)}, so a per-channel scale {@code s_j = max|X_j|^alpha / max|W_j|^(1 - alpha)}
 * moves the range of the activation's outlier channels into the weight, whose rows {@code W_j}
 * are quantized per output channel anyway. {@code 1/s} is folded into the LayerNorm that writes
 * {@code X} ({@link SmoothingSites}); {@code s} multiplies row {@code j} of every projection's
 * weight. A reader of {@code X} other than the projections and Shape gets the unsmoothed values
 * back through a Mul by {@code s} (a residual connection after a post-LN block).
 *
 * <p>Every changed constant is a new initializer, so one shared with other nodes is left as it is
 * for them. The FP32 model computes the same function, up to float rounding.
 */
public final class SmoothQuant {
  /**
   * The clamp of the reference implementation (mit-han-lab/smoothquant, smooth.py: weight maxima
   * and scales {@code clamp(min=1e-5)}), which keeps {@code s} finite and non-zero.
   */
  static final double MIN = 1e-5;

  /**
   * One smoothed site: the activation, the projections whose weights absorb {@code scale}, and
   * the scale per channel.
   */
  public record Smoothing(String input, List<Integer> linears, float[] scale) {
    public Smoothing {
      linears = List.copyOf(linears);
      scale = scale.clone();
    }
  }

  private SmoothQuant() {}

  /**
   * {@code s_j = max(a_j^alpha / max(w_j, 1e-5)^(1 - alpha), 1e-5)}, computed in double. A channel
   * the calibration rows never moved ({@code a_j = 0}) keeps {@code s_j = 1}: the reference
   * would give it the clamp, 1e-5, which multiplies any value it takes on other rows by 1e5.
   */
  public static float[] scales(float[] activationMax, float[] weightMax, double alpha) {
    Check.inOpenClosed(alpha, 0, 1, "SmoothQuant alpha");
    Check.that(activationMax.length == weightMax.length, "weight channels",
        String.valueOf(activationMax.length), weightMax.length);
    float[] s = new float[activationMax.length];
    for (int j = 0; j < s.length; j++) {
      double a = activationMax[j];
      double w = Math.max(weightMax[j], MIN);
      s[j] = a == 0 ? 1f : (float) Math.max(Math.pow(a, alpha) / Math.pow(w, 1 - alpha), MIN);
    }
    return s;
  }

  /** Per input channel {@code j}, the largest {@code |W_j|} over the site's projections. */
  public static float[] weightMax(OnnxModel model, SmoothingSites.Site site) {
    GraphIndex index = new GraphIndex(model.graph(), model.proto().getIrVersion());
    ConstantValues constants = new ConstantValues(index, TensorClasses.classify(index),
        model.name());
    float[] max = new float[site.channels()];
    for (int linear : site.linears()) {
      Weight w = Weight.of(index.node(linear), constants, model.name());
      for (int i = 0; i < w.values.length; i++) {
        int j = w.channel(i);
        max[j] = Math.max(max[j], Math.abs(w.values[i]));
      }
    }
    return max;
  }

  /** {@code model} with every smoothing applied; fails when one does not fit the model. */
  public static OnnxModel apply(OnnxModel model, List<Smoothing> smoothings) {
    Check.notNull(model, "model");
    if (smoothings.isEmpty()) {
      return model;
    }
    GraphIndex index = new GraphIndex(model.graph(), model.proto().getIrVersion());
    ConstantValues constants = new ConstantValues(index, TensorClasses.classify(index),
        model.name());
    Set<String> used = index.usedNames();
    GraphEdit edit = new GraphEdit(model.graph());
    Map<Integer, Map<Integer, String>> newInputs = new LinkedHashMap<>();
    for (Smoothing sm : smoothings) {
      float[] s = sm.scale();
      List<SmoothingSites.Operand> targets =
          SmoothingSites.foldTargets(index, constants, sm.input(), s.length);
      if (targets == null) {
        throw new QcalException("SmoothQuant scales for tensor '" + sm.input() + "' do not fit"
            + " model " + model.name() + ": it is not written by a LayerNorm of " + s.length
            + " channels");
      }
      for (SmoothingSites.Operand o : targets) {
        String old = index.node(o.node()).getInput(o.slot());
        float[] v = TensorData.floats(constants.floatValue(old), model.name());
        for (int j = 0; j < v.length; j++) {
          v[j] /= s[j];
        }
        newInputs.computeIfAbsent(o.node(), k -> new LinkedHashMap<>())
            .put(o.slot(), added(edit, used, old, List.of((long) v.length), v));
      }
      for (int linear : sm.linears()) {
        NodeProto node = index.node(linear);
        if (!node.getInput(0).equals(sm.input())
            || SmoothingSites.inputChannels(node, 1, constants) != s.length) {
          throw new QcalException("SmoothQuant scales for tensor '" + sm.input() + "' do not"
              + " fit model " + model.name() + ": node " + index.label(linear) + " is no"
              + " projection of it with " + s.length + " input channels");
        }
        Weight w = Weight.of(node, constants, model.name());
        float[] scaled = w.values.clone();
        for (int i = 0; i < scaled.length; i++) {
          scaled[i] *= s[w.channel(i)];
        }
        newInputs.computeIfAbsent(linear, k -> new LinkedHashMap<>())
            .put(1, added(edit, used, node.getInput(1), w.dims, scaled));
      }
      restoreForOthers(index, edit, used, sm, s);
    }
    newInputs.forEach((node, slots) -> {
      NodeProto.Builder b = edit.node(node).toBuilder();
      slots.forEach((slot, name) -> {
        edit.removeIfUnused(b.getInput(slot));
        b.setInput(slot, name);
      });
      edit.replace(node, b.build());
    });
    return model.derive(model.proto().toBuilder().setGraph(edit.apply()).build());
  }

  /**
   * Readers of {@code X} other than the projections (and Shape, which reads no values) get
   * {@code X' * s = X} from one Mul right after the producer.
   */
  private static void restoreForOthers(GraphIndex index, GraphEdit edit, Set<String> used,
      Smoothing sm, float[] s) {
    Set<Integer> linears = new HashSet<>(sm.linears());
    List<Integer> others = new ArrayList<>();
    for (int c : index.consumers(sm.input())) {
      if (!linears.contains(c) && !index.node(c).getOpType().equals("Shape")) {
        others.add(c);
      }
    }
    if (others.isEmpty()) {
      return;
    }
    String scale = added(edit, used, sm.input() + "_smooth_scale", List.of((long) s.length), s);
    String restored = Names.unique(sm.input() + "_unsmoothed", used);
    edit.insertAfter(index.producer(sm.input()), NodeProto.newBuilder().setOpType("Mul")
        .setName(restored).addInput(sm.input()).addInput(scale).addOutput(restored).build());
    for (int c : others) {
      edit.redirectInput(c, sm.input(), restored);
    }
  }

  private static String added(GraphEdit edit, Set<String> used, String base, List<Long> dims,
      float[] values) {
    String name = Names.unique(base.endsWith("_smooth_scale") ? base : base + "_smoothed", used);
    edit.addInitializer(TensorData.floats(name, dims, values));
    return name;
  }

  /** A projection's weight and which input channel each element scales with. */
  private record Weight(float[] values, List<Long> dims, boolean transposed) {
    static Weight of(NodeProto node, ConstantValues constants, String modelName) {
      TensorProto t = constants.floatValue(node.getInput(1));
      boolean transposed = node.getOpType().equals("Gemm")
          && Attributes.getInt(node, "transB", 0) != 0;
      return new Weight(TensorData.floats(t, modelName), t.getDimsList(), transposed);
    }

    /** {@code [K, N]}: row {@code j}; Gemm's {@code [N, K]} with transB: column {@code j}. */
    int channel(int i) {
      return transposed ? (int) (i % dims.get(1)) : (int) (i / dims.get(1));
    }
  }
}
