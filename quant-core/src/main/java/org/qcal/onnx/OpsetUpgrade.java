package org.qcal.onnx;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.qcal.onnx.proto.Onnx.AttributeProto;
import org.qcal.onnx.proto.Onnx.GraphProto;
import org.qcal.onnx.proto.Onnx.ModelProto;
import org.qcal.onnx.proto.Onnx.NodeProto;
import org.qcal.onnx.proto.Onnx.OperatorSetIdProto;

/**
 * Raises a model's default-domain opset to 13, the first whose DequantizeLinear takes per-axis
 * scales ({@code axis} attribute, opset 13 in Operators.md), when that leaves every node's
 * meaning unchanged. Raising the import re-binds every node to its opset-13 definition, so it is
 * only done when each op's definition is the same at 13 as at the model's version, apart from new
 * types: {@link #SAME_SINCE} lists, per op, the oldest opset from which that holds (from the
 * operator changelog). Any op not listed blocks the upgrade, and the exporter falls back to
 * per-tensor weights.
 */
final class OpsetUpgrade {
  static final long PER_AXIS_OPSET = 13;

  /** ONNX IR version 7 introduced opset 13 (onnx/Versioning.md). */
  static final long IR_FOR_OPSET_13 = 7;

  /**
   * Op -> oldest opset whose definition is still the one of opset 13. For example Squeeze moved
   * its axes from an attribute to an input at 13, Clip its bounds at 11, Softmax changed its
   * axis semantics at 13, Dropout its ratio at 12, Pad its pads at 11. MaxPool-10 added
   * ceil_mode and dilations whose defaults (floor, 1) give MaxPool-8's output, MaxPool-11 only
   * documented those defaults, MaxPool-12 added int8 types; but MaxPool-12 also redefined
   * auto_pad SAME_UPPER/SAME_LOWER (output size ceil(input / stride)), so a MaxPool with those
   * is the same only from 12 ({@link #since}).
   */
  private static final Map<String, Integer> SAME_SINCE = Map.ofEntries(
      Map.entry("Conv", 1), Map.entry("ConvTranspose", 1), Map.entry("Gemm", 7),
      Map.entry("MatMul", 1), Map.entry("Add", 7), Map.entry("Sub", 7), Map.entry("Mul", 7),
      Map.entry("Div", 7), Map.entry("Pow", 7), Map.entry("Relu", 6), Map.entry("LeakyRelu", 6),
      Map.entry("PRelu", 9), Map.entry("Elu", 6), Map.entry("Selu", 6), Map.entry("Sigmoid", 6),
      Map.entry("HardSigmoid", 6), Map.entry("Tanh", 6), Map.entry("Exp", 6),
      Map.entry("Log", 6), Map.entry("Sqrt", 6), Map.entry("Neg", 6), Map.entry("Abs", 6),
      Map.entry("Reciprocal", 6), Map.entry("Floor", 6), Map.entry("Ceil", 6),
      Map.entry("Erf", 9), Map.entry("Clip", 11), Map.entry("MaxPool", 8),
      Map.entry("AveragePool", 11), Map.entry("GlobalAveragePool", 1),
      Map.entry("GlobalMaxPool", 1), Map.entry("Flatten", 9), Map.entry("Reshape", 5),
      Map.entry("Transpose", 1), Map.entry("Concat", 4), Map.entry("Identity", 1),
      Map.entry("Constant", 9), Map.entry("Shape", 1), Map.entry("Gather", 11),
      Map.entry("Cast", 6), Map.entry("BatchNormalization", 9), Map.entry("Slice", 10),
      Map.entry("ReduceMean", 11), Map.entry("ReduceMax", 11), Map.entry("ReduceMin", 11),
      Map.entry("Min", 8), Map.entry("Max", 8), Map.entry("Sum", 8), Map.entry("Mean", 8),
      Map.entry("Expand", 8), Map.entry("Tile", 6), Map.entry("Where", 9),
      Map.entry("Equal", 11), Map.entry("Less", 9), Map.entry("Greater", 9),
      Map.entry("Not", 1), Map.entry("ConstantOfShape", 9), Map.entry("Range", 11),
      Map.entry("InstanceNormalization", 6), Map.entry("LRN", 1),
      Map.entry("QuantizeLinear", 10), Map.entry("DequantizeLinear", 10),
      Map.entry("DepthToSpace", 11), Map.entry("SpaceToDepth", 1));

  private OpsetUpgrade() {}

  /** True when every default-domain node, subgraphs included, means the same at opset 13. */
  static boolean canUpgrade(ModelProto model, long from) {
    return blockers(model, from).isEmpty();
  }

  /** The op types whose meaning at {@code from} differs from opset 13, for messages. */
  static Set<String> blockers(ModelProto model, long from) {
    Set<String> ops = new TreeSet<>();
    if (from < PER_AXIS_OPSET) {
      collectBlockers(model.getGraph(), from, ops);
    }
    return ops;
  }

  private static void collectBlockers(GraphProto graph, long from, Set<String> into) {
    for (NodeProto n : graph.getNodeList()) {
      if (OnnxModel.sameDomain(n.getDomain(), OnnxModel.ONNX_DOMAIN)) {
        Integer since = since(n);
        if (since == null || since > from) {
          into.add(n.getOpType());
        }
      }
      for (AttributeProto a : n.getAttributeList()) {
        if (a.hasG()) {
          collectBlockers(a.getG(), from, into);
        }
        for (GraphProto g : a.getGraphsList()) {
          collectBlockers(g, from, into);
        }
      }
    }
  }

  /** The oldest opset at which node {@code n} means what it means at 13, or null if unknown. */
  private static Integer since(NodeProto n) {
    if (n.getOpType().equals("MaxPool")) {
      AttributeProto pad = Attributes.find(n, "auto_pad");
      if (pad != null && pad.getS().toStringUtf8().startsWith("SAME")) {
        return 12;
      }
    }
    return SAME_SINCE.get(n.getOpType());
  }

  /** The model importing the default domain at opset 13 and IR version >= 7. */
  static ModelProto upgrade(ModelProto model) {
    ModelProto.Builder b = model.toBuilder();
    boolean found = false;
    for (int i = 0; i < b.getOpsetImportCount(); i++) {
      OperatorSetIdProto id = b.getOpsetImport(i);
      if (OnnxModel.sameDomain(id.getDomain(), OnnxModel.ONNX_DOMAIN)) {
        b.setOpsetImport(i, id.toBuilder().setVersion(Math.max(id.getVersion(), PER_AXIS_OPSET)));
        found = true;
      }
    }
    if (!found) {
      b.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("")
          .setVersion(PER_AXIS_OPSET));
    }
    if (b.getIrVersion() < IR_FOR_OPSET_13) {
      b.setIrVersion(IR_FOR_OPSET_13);
    }
    return b.build();
  }
}
