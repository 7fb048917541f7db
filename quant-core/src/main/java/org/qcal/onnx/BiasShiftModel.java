package org.qcal.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.qcal.Check;
import org.qcal.onnx.proto.Onnx.GraphProto;
import org.qcal.onnx.proto.Onnx.NodeProto;
import org.qcal.onnx.proto.Onnx.TensorProto;
import org.qcal.quant.QuantParams;

/**
 * The model that measures what weight quantization does to the output of each quantized Conv
 * and Gemm: empirical bias correction (Nagel et al. 2019, "Data-Free Quantization Through Weight
 * Equalization and Bias Correction", section 4.2). The shift of node {@code y = op(x; W) + b} is
 * {@code E[op(x; W_q) - op(x; W)]} per output channel, {@code W_q} the quantize-dequantized
 * weight and {@code x} the FP32 input. The op is linear in its weight, so the difference is
 * {@code op(x; W_q - W)} without bias: one extra node per site, fed the node's own FP32 input.
 *
 * <p>Its graph outputs are that node's output split per output channel (a Gather along axis 1:
 * the channel axis of Conv's {@code [N, C, ...]} and Gemm's {@code [M, N]}), one output per
 * channel, so that the passes' per-tensor statistics, whose sums merge exactly, give each
 * channel's mean shift. The model's own outputs are dropped: ONNX Runtime then computes only
 * what the shifts need. Gather exists at every opset qcal loads, with the same meaning.
 *
 * <p>MatMul has no bias input to fold a shift into, and ConvTranspose's channel axis depends on
 * its groups; both are left out (their output keeps its shift).
 */
public final class BiasShiftModel {
  /** The op types whose shift is measured and folded into their bias. */
  public static final Set<String> CORRECTED_OPS = Set.of("Conv", "Gemm");

  /**
   * One corrected node.
   *
   * @param node the node's index in the model measured
   * @param nodeLabel its name (or op type and index), for messages and calibration.json
   * @param channelOutputs the graph output holding channel {@code c}'s shift, per channel
   */
  public record Site(int node, String nodeLabel, List<String> channelOutputs) {
    public int channels() {
      return channelOutputs.size();
    }
  }

  private final OnnxModel model;
  private final List<Site> sites;

  private BiasShiftModel(OnnxModel model, List<Site> sites) {
    this.model = model;
    this.sites = List.copyOf(sites);
  }

  /** The shift model of every Conv and Gemm whose weight {@code plan} quantizes. */
  public static BiasShiftModel build(OnnxModel model, CalibrationPlan plan,
      WeightQuantization settings) {
    Check.notNull(model, "model");
    Check.notNull(plan, "calibration plan");
    Check.notNull(settings, "weight quantization");
    GraphProto graph = model.graph();
    GraphIndex index = new GraphIndex(graph, model.proto().getIrVersion());
    ConstantValues constants = new ConstantValues(index, TensorClasses.classify(index),
        model.name());
    Set<String> used = index.usedNames();
    GraphProto.Builder g = graph.toBuilder().clearOutput();
    List<Site> sites = new ArrayList<>();
    List<String> channelIndices = new ArrayList<>();
    for (WeightSpec spec : plan.weights()) {
      if (!CORRECTED_OPS.contains(spec.opType())) {
        continue;
      }
      NodeProto node = index.node(spec.node());
      TensorProto w = constants.floatValue(node.getInput(spec.input()));
      if (w == null) {
        continue;
      }
      int axis = settings.perChannel() ? spec.axis() : -1;
      float[] delta = quantizationError(spec.initializer(),
          TensorData.floats(w, model.name()), w.getDimsList(), axis, settings);
      String deltaName = Names.unique(spec.initializer() + "_quant_error", used);
      g.addInitializer(TensorData.floats(deltaName, w.getDimsList(), delta));
      String shift = Names.unique(index.label(spec.node()) + "_weight_shift", used);
      int channels = outputChannels(node, w);
      // Same op and attributes, the weight error instead of the weight, no bias. Gemm needs its
      // C input below opset 11: a zero one, which beta then scales to nothing.
      NodeProto.Builder shiftNode = NodeProto.newBuilder().setOpType(node.getOpType())
          .setDomain(node.getDomain()).setName(Names.unique(shift, used))
          .addInput(node.getInput(0)).addInput(deltaName).addOutput(shift)
          .addAllAttribute(node.getAttributeList());
      if (node.getOpType().equals("Gemm")) {
        String zero = Names.unique(shift + "_zero_bias", used);
        g.addInitializer(TensorData.floats(zero, List.of((long) channels), new float[channels]));
        shiftNode.addInput(zero);
      }
      g.addNode(shiftNode.build());
      List<String> outputs = new ArrayList<>();
      for (int c = 0; c < channels; c++) {
        while (channelIndices.size() <= c) {
          String name = Names.unique("qcal_channel_" + channelIndices.size(), used);
          g.addInitializer(TensorData.int64s(name, List.of(1L),
              new long[] {channelIndices.size()}));
          channelIndices.add(name);
        }
        String out = Names.unique(shift + "_c" + c, used);
        g.addNode(NodeProto.newBuilder().setOpType("Gather").setName(out)
            .addInput(shift).addInput(channelIndices.get(c)).addOutput(out)
            .addAttribute(Attributes.ofInt("axis", 1)).build());
        g.addOutput(TapAugmenter.floatOutput(out));
        outputs.add(out);
      }
      sites.add(new Site(spec.node(), index.label(spec.node()), outputs));
    }
    if (sites.isEmpty()) {
      return new BiasShiftModel(model, sites); // a graph without outputs is no ONNX model
    }
    return new BiasShiftModel(model.derive(model.proto().toBuilder().setGraph(g).build()),
        sites);
  }

  /** {@code W_q - W}: the weight as the exporter quantizes it, dequantized, minus itself. */
  static float[] quantizationError(String name, float[] w, List<Long> dims, int axis,
      WeightQuantization settings) {
    WeightQuantizer.Quantized q = WeightQuantizer.quantize(name, w, dims, axis, settings);
    QuantParams p = q.params();
    int channels = p.channels();
    int inner = axis < 0 ? w.length
        : Math.toIntExact(TensorData.elementCount(dims.subList(axis + 1, dims.size())));
    boolean unsigned = p.type().qmin(settings.rule()) >= 0;
    float[] delta = new float[w.length];
    for (int i = 0; i < w.length; i++) {
      int c = axis < 0 ? 0 : (i / inner) % channels;
      int v = unsigned ? Byte.toUnsignedInt(q.values()[i]) : q.values()[i];
      // DequantizeLinear's arithmetic: (q - zero point) * scale, in float.
      float dequantized = (v - p.zeroPoint(c)) * p.scale(c);
      delta[i] = dequantized - w[i];
    }
    return delta;
  }

  /** Output channels of a Conv ([M, C/g, k...]: M) or a Gemm (B [K, N], or [N, K] transposed). */
  static int outputChannels(NodeProto node, TensorProto weight) {
    if (node.getOpType().equals("Gemm") && Attributes.getInt(node, "transB", 0) == 0) {
      return Math.toIntExact(weight.getDims(1));
    }
    return Math.toIntExact(weight.getDims(0));
  }

  /** The shift model; {@code model} itself when there is no site (nothing to run). */
  public OnnxModel model() {
    return model;
  }

  public List<Site> sites() {
    return sites;
  }

  /** Every channel output of every site, in site order. */
  public List<String> outputs() {
    List<String> all = new ArrayList<>();
    sites.forEach(s -> all.addAll(s.channelOutputs()));
    return all;
  }
}
