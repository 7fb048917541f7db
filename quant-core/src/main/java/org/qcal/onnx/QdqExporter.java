package org.qcal.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.qcal.Check;
import org.qcal.QcalException;
import org.qcal.onnx.proto.Onnx.ModelProto;
import org.qcal.onnx.proto.Onnx.NodeProto;
import org.qcal.onnx.proto.Onnx.OperatorSetIdProto;
import org.qcal.onnx.proto.Onnx.TensorProto;
import org.qcal.quant.QuantParams;
import org.qcal.quant.QuantType;

/**
 * Writes the QDQ model of a calibration, following ONNX Runtime's QDQ format: Q -> DQ on every
 * quantized activation with its per-tensor params; each constant weight as an 8-bit initializer
 * (per output channel, symmetric by default) feeding a DQ node; each bias as int32 with scale
 * {@code s_input * s_weight[c]} and zero point 0 feeding a DQ node. Nodes the plan does not
 * quantize keep running in float; with 4-bit weights each MatMul and Gemm that can becomes
 * ONNX Runtime's MatMulNBits instead ({@link FourBitMatMul}). Weights are quantized here, on the
 * driver, from the initializers ({@link WeightQuantizer}, {@link BiasQuantizer}); so are constant
 * operands of Add/Mul, per tensor in the activation type so that the binary op's QDQ group fuses. The graph
 * surgery is {@link QdqInserter}'s.
 *
 * <p>QuantizeLinear needs opset 10 and per-channel weights DequantizeLinear's {@code axis}, added
 * in opset 13: a model below 10, or below 13 with per-channel weights, is raised to 13 by {@link
 * OpsetUpgrade}, which converts the nodes whose ops changed (noted in {@link QdqModel#notes()});
 * when a node between 10 and 12 cannot be converted the weights are per tensor instead, with a
 * note naming it.
 */
public final class QdqExporter {
  /** ONNX added 16-bit QuantizeLinear/DequantizeLinear in opset 21. */
  private static final long OPSET_16_BIT = 21;

  /**
   * The activation types the exporter writes: 8 and 16 bits; 16-bit Q/DQ below ONNX opset 21 in
   * ONNX Runtime's com.microsoft domain ({@link QdqInserter}). Not int4 or uint4: no ONNX
   * Runtime kernel computes on 4-bit activations, a Q/DQ pair of them would only lose accuracy.
   */
  public static final List<QuantType> ACTIVATION_TYPES =
      List.of(QuantType.UINT8, QuantType.INT8, QuantType.UINT16, QuantType.INT16);

  private final OnnxModel model;
  private final CalibrationPlan plan;
  private final WeightQuantization settings;
  private final List<String> notes = new ArrayList<>();
  private final Map<String, QuantParams> activationParams = new LinkedHashMap<>();
  private final Map<String, QuantParams> weightParams = new LinkedHashMap<>();
  private final Map<String, QuantParams> biasParams = new LinkedHashMap<>();
  /** Original node index -> index in the exported graph, when the opset was raised. */
  private int[] nodeIndex;
  /** Tensor -> the tensors the opset upgrade added that hold its values in another shape. */
  private Map<String, List<String>> aliases = Map.of();

  private QdqExporter(OnnxModel model, CalibrationPlan plan, WeightQuantization settings) {
    this.model = model;
    this.plan = plan;
    this.settings = settings;
  }

  /**
   * The QDQ model. {@code activations} maps tensor names to per-tensor params; a tapped tensor's
   * entry covers every tensor that shares its params ({@link CalibrationPlan#paramsSource}).
   */
  public static QdqModel export(OnnxModel model, CalibrationPlan plan,
      Map<String, QuantParams> activations, WeightQuantization weights) {
    Check.notNull(model, "model");
    Check.notNull(plan, "calibration plan");
    Check.notNull(activations, "activation params");
    Check.notNull(weights, "weight quantization");
    if (plan.nodeCount() != model.graph().getNodeCount()) {
      throw new QcalException("calibration plan of " + plan.modelName() + " (" + plan.nodeCount()
          + " nodes) does not belong to model " + model.name() + " ("
          + model.graph().getNodeCount() + " nodes)");
    }
    return new QdqExporter(model, plan, weights).run(activations);
  }

  private QdqModel run(Map<String, QuantParams> activations) {
    resolveActivationParams(activations);
    ModelProto proto = model.proto();
    boolean perChannel = settings.perChannel()
        && plan.weights().stream().anyMatch(w -> w.axis() >= 0);
    long opset = model.onnxOpset();
    if (opset < OpsetUpgrade.PER_AXIS_OPSET && (opset < OnnxModel.MIN_OPSET || perChannel)) {
      OpsetUpgrade.Result up = OpsetUpgrade.upgrade(proto, opset, model.name());
      if (up.ok()) {
        proto = up.model();
        nodeIndex = up.nodeIndex();
        aliases = up.aliases();
        notes.add("raised the ONNX opset from " + opset + " to " + OpsetUpgrade.PER_AXIS_OPSET
            + " for " + (opset < OnnxModel.MIN_OPSET ? "QuantizeLinear/DequantizeLinear"
                : "per-channel weights")
            + (up.converted().isEmpty() ? "" : ", converting " + up.converted()));
      } else if (opset < OnnxModel.MIN_OPSET) {
        // OnnxModel refuses such a model when it is loaded; this is for one built otherwise.
        throw new QcalException("model " + model.name() + " uses ONNX opset " + opset
            + " and cannot be raised to " + OpsetUpgrade.PER_AXIS_OPSET + ": " + up.refusal());
      } else {
        perChannel = false;
        notes.add("weights quantized per tensor: per-channel needs ONNX opset "
            + OpsetUpgrade.PER_AXIS_OPSET + ", and model " + model.name() + " (opset " + opset
            + ") cannot be raised to it: " + up.refusal());
      }
    }
    boolean contrib16Bit = opset < OPSET_16_BIT
        && activationParams.values().stream().anyMatch(p -> p.type().bits() == 16);
    if (contrib16Bit) {
      notes.add("16-bit QuantizeLinear/DequantizeLinear written in ONNX Runtime's "
          + QdqInserter.CONTRIB_DOMAIN + " domain: ONNX has them from opset " + OPSET_16_BIT
          + ", model " + model.name() + " has opset " + opset);
    }
    GraphIndex index = new GraphIndex(proto.getGraph(), proto.getIrVersion());
    ConstantValues constants = new ConstantValues(index,
        TensorClasses.classify(index), model.name());
    Set<String> used = index.usedNames();
    GraphEdit edit = new GraphEdit(proto.getGraph());
    QdqInserter inserter = new QdqInserter(edit, index, used, contrib16Bit);
    for (String tensor : plan.quantizedTensors()) {
      inserter.activation(tensor, activationParams.get(tensor));
      for (String alias : aliases.getOrDefault(tensor, List.of())) {
        inserter.activation(alias, activationParams.get(tensor));
      }
    }
    Map<String, String> dequantizedWeights = new HashMap<>();
    FourBitMatMul fourBit = settings.fourBit()
        ? new FourBitMatMul(constants, used, model.name()) : null;
    Set<Integer> fourBitNodes = new java.util.HashSet<>();
    for (WeightSpec spec : plan.weights()) {
      NodeProto consumer = edit.node(node(spec.node()));
      if (fourBit != null && fourBit.accepts(consumer, spec)) {
        NibbleBlocks q = fourBit.replace(edit, node(spec.node()), consumer, spec,
            constant(constants, spec.initializer()), settings);
        weightParams.put(spec.initializer(), q.params());
        fourBitNodes.add(spec.node());
        continue;
      }
      int axis = perChannel ? spec.axis() : -1;
      String key = spec.initializer() + "@" + axis;
      String dq = dequantizedWeights.get(key);
      if (dq == null) {
        dq = quantizeWeight(constants, inserter, used, spec, axis);
        dequantizedWeights.put(key, dq);
      }
      edit.setInput(node(spec.node()), spec.input(), dq);
      edit.removeIfUnused(spec.initializer());
    }
    if (fourBit != null) {
      notes.add(fourBitNodes.size() + " MatMul/Gemm node(s) with " + settings.type()
          + " weights as MatMulNBits (block size " + settings.blockSize() + "); the other "
          + (plan.weights().size() - fourBitNodes.size()) + " weight(s) int8");
    }
    for (BiasSpec spec : plan.biases()) {
      if (fourBitNodes.contains(spec.node())) {
        continue; // MatMulNBits took the bias in float
      }
      quantizeBias(constants, edit, inserter, used, spec);
    }
    for (OperandSpec spec : plan.operands()) {
      quantizeOperand(constants, edit, inserter, used, spec);
    }
    ModelProto exported = proto.toBuilder().setGraph(edit.apply()).build();
    if (contrib16Bit || !fourBitNodes.isEmpty()) {
      exported = withContribDomain(exported);
    }
    return new QdqModel(model.derive(exported), weightParams, biasParams, notes);
  }

  /** {@code proto} importing the com.microsoft domain (version 1, its only one) if it did not. */
  private static ModelProto withContribDomain(ModelProto proto) {
    if (OnnxModel.opsetVersion(proto, QdqInserter.CONTRIB_DOMAIN) >= 1) {
      return proto;
    }
    return proto.toBuilder().addOpsetImport(OperatorSetIdProto.newBuilder()
        .setDomain(QdqInserter.CONTRIB_DOMAIN).setVersion(1)).build();
  }

  /**
   * A Softmax output always lies in [0, 1], and ONNX Runtime's QLinearSoftmax, which its QDQ
   * fusion makes of DQ -> Softmax -> Q, computes through a table built for a fixed output grid:
   * scale 1/256 with zero point 0 (uint8) or -128 (int8), the values ONNX Runtime's own
   * quantizer forces (onnxruntime/python/tools/quantization/operators/softmax.py). Any other
   * params come out wrong there (a CRNN's per-step softmax fell to 5 dB), so they are replaced.
   */
  private QuantParams softmaxOutputParams(String tensor, QuantParams calibrated) {
    int zeroPoint = switch (calibrated.type()) {
      case UINT8 -> 0;
      case INT8 -> -128;
      default -> Integer.MIN_VALUE;
    };
    if (zeroPoint == Integer.MIN_VALUE) {
      return calibrated;
    }
    notes.add("Softmax output '" + tensor + "': scale 1/256, zero point " + zeroPoint
        + " (ONNX Runtime's QLinearSoftmax grid) instead of the calibrated scale "
        + calibrated.scale() + ", zero point " + calibrated.zeroPoint());
    return QuantParams.of(1f / 256, zeroPoint, calibrated.type());
  }

  private void resolveActivationParams(Map<String, QuantParams> activations) {
    List<String> missing = new ArrayList<>();
    java.util.Set<String> softmaxOutputs = new java.util.HashSet<>();
    model.graph().getNodeList().stream().filter(n -> n.getOpType().equals("Softmax"))
        .forEach(n -> softmaxOutputs.addAll(n.getOutputList()));
    for (String tensor : plan.quantizedTensors()) {
      QuantParams p = activations.get(tensor);
      if (p == null) {
        p = activations.get(plan.paramsSource(tensor));
      }
      if (p == null) {
        missing.add(tensor);
        continue;
      }
      if (softmaxOutputs.contains(tensor)) {
        p = softmaxOutputParams(tensor, p);
      }
      if (!ACTIVATION_TYPES.contains(p.type())) {
        throw new QcalException("activation '" + tensor + "' of model " + model.name()
            + " must be quantized to one of " + ACTIVATION_TYPES + ", got " + p.type());
      }
      activationParams.put(tensor, p);
    }
    if (!missing.isEmpty()) {
      throw new QcalException("no activation params for " + missing.size() + " tensor(s) of model "
          + model.name() + ", e.g. '" + missing.get(0) + "' (tapped as '"
          + plan.paramsSource(missing.get(0)) + "')");
    }
  }

  private String quantizeWeight(ConstantValues constants, QdqInserter inserter,
      Set<String> used, WeightSpec spec, int axis) {
    TensorProto w = constant(constants, spec.initializer());
    WeightQuantization eightBit = settings.eightBit();
    WeightQuantizer.Quantized q = WeightQuantizer.quantize(spec.initializer(),
        TensorData.floats(w, model.name()), w.getDimsList(), axis, eightBit);
    String name = Names.unique(spec.initializer() + "_quantized", used);
    weightParams.put(spec.initializer(), q.params());
    return inserter.constant(spec.initializer(),
        TensorData.bytes(name, eightBit.type(), w.getDimsList(), q.values()), q.params());
  }

  /** A constant Add/Mul operand, per tensor in its node's activation type, from its range. */
  private void quantizeOperand(ConstantValues constants, GraphEdit edit,
      QdqInserter inserter, Set<String> used, OperandSpec spec) {
    QuantType type = activationParams.get(spec.activation()).type();
    if (type.bits() != 8) {
      notes.add("operand '" + spec.initializer() + "' of " + spec.nodeLabel() + " left float:"
          + " constant operands are quantized to 8-bit activation types only, not " + type);
      return;
    }
    TensorProto t = constant(constants, spec.initializer());
    WeightQuantizer.Quantized q = WeightQuantizer.quantize(spec.initializer(),
        TensorData.floats(t, model.name()), t.getDimsList(), -1,
        new WeightQuantization(type, false, false, false));
    String name = Names.unique(spec.initializer() + "_quantized", used);
    weightParams.put(spec.initializer(), q.params());
    String dq = inserter.constant(spec.initializer(),
        TensorData.bytes(name, type, t.getDimsList(), q.values()), q.params());
    edit.setInput(node(spec.node()), spec.input(), dq);
    edit.removeIfUnused(spec.initializer());
  }

  /** The index in the exported graph of node {@code original} of the plan's model. */
  private int node(int original) {
    return nodeIndex == null ? original : nodeIndex[original];
  }

  /** The float32 value of a constant the plan names (an initializer or a view of one). */
  private TensorProto constant(ConstantValues constants, String tensor) {
    TensorProto t = constants.floatValue(tensor);
    if (t == null) {
      throw new QcalException("constant '" + tensor + "' of model " + model.name()
          + " named by the calibration plan has no float32 value the exporter can read");
    }
    return t;
  }

  private void quantizeBias(ConstantValues constants, GraphEdit edit, QdqInserter inserter,
      Set<String> used, BiasSpec spec) {
    QuantParams weight = weightParams.get(spec.weight());
    QuantParams input = activationParams.get(spec.activation());
    if (weight == null || input == null) {
      notes.add("bias '" + spec.initializer() + "' of " + spec.nodeLabel() + " left float: its"
          + " weight or input is not quantized");
      return;
    }
    TensorProto b = constant(constants, spec.initializer());
    float[] values = TensorData.floats(b, model.name());
    NodeProto node = edit.node(node(spec.node()));
    if (node.getOpType().equals("Gemm")) {
      // QGemm adds an int32 bias unscaled, so Gemm's beta is folded into the values; it is also
      // written out explicitly, since ONNX Runtime's Gemm QDQ selector reads the attribute.
      float beta = Attributes.getFloat(node, "beta", 1f);
      if (beta != 1f) {
        for (int i = 0; i < values.length; i++) {
          values[i] *= beta;
        }
      }
      edit.setAttribute(node(spec.node()), Attributes.ofFloat("beta", 1f));
    }
    BiasQuantizer.Quantized q = BiasQuantizer.quantize(spec.initializer(), values,
        input.scale(), weight);
    String name = Names.unique(spec.initializer() + "_quantized", used);
    List<Long> dims = List.of((long) values.length);
    biasParams.put(spec.initializer(), q.params());
    String dq = inserter.constant(spec.initializer(),
        TensorData.integers(name, QuantType.INT32, dims, q.values()), q.params());
    edit.setInput(node(spec.node()), spec.input(), dq);
    edit.removeIfUnused(spec.initializer());
  }
}
