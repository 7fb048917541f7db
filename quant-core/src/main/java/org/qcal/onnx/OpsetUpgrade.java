package org.qcal.onnx;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.qcal.onnx.proto.Onnx.AttributeProto;
import org.qcal.onnx.proto.Onnx.GraphProto;
import org.qcal.onnx.proto.Onnx.ModelProto;
import org.qcal.onnx.proto.Onnx.NodeProto;
import org.qcal.onnx.proto.Onnx.OperatorSetIdProto;
import org.qcal.onnx.proto.Onnx.TensorProto;
import org.qcal.onnx.proto.Onnx.ValueInfoProto;

/**
 * Raises a model's default-domain opset to 13, the first whose DequantizeLinear takes per-axis
 * scales ({@code axis} attribute, opset 13 in Operators.md), converting each node whose op's
 * definition changed on the way. Raising the import re-binds every node to its opset-13
 * definition, so every default-domain node, in subgraphs too, is either
 *
 * <ul>
 *   <li>copied, when its definition at the model's opset is the one of 13 ({@link
 *       UnchangedOps}),
 *   <li>rewritten into nodes that compute the same at 13 ({@link NodeConversion}: {@link
 *       AttributesToInputs}, {@link CoercedAxisOps}, {@link UpsampleToResize}, {@link
 *       InferenceDropout}, {@link SpatialBatchNorm}), keeping its name and its outputs' names,
 *   <li>or refused, with the reason, when there is no such rewrite (an op qcal does not know,
 *       or a case the conversion cannot express).
 * </ul>
 *
 * A refused node makes the whole upgrade fail: the result lists every refusal. Models at 13 or
 * later are never touched (nothing is lowered). See docs/DESIGN.md, *Opsets*.
 */
final class OpsetUpgrade {
  static final long PER_AXIS_OPSET = 13;

  /** The oldest opset ONNX Runtime runs, and so the oldest qcal can calibrate. */
  static final long OLDEST_OPSET = 7;

  /** ONNX IR version 7 introduced opset 13 (onnx/Versioning.md). */
  static final long IR_FOR_OPSET_13 = 7;

  private static final Map<String, NodeConversion> CONVERSIONS = conversions();

  private final long from;
  private final long irVersion;
  private final String modelName;
  private final Set<String> used;
  private final List<String> refusals = new ArrayList<>();
  private final Map<String, Integer> converted = new TreeMap<>();

  /**
   * The outcome: the model at opset 13 (only meaningful without refusals); for each node of the
   * original main graph, the index of the node that took its place; for tensors of the main
   * graph, the new tensors holding their values in another shape ({@link ConversionSite#alias});
   * the refusals, one line each; and how many nodes of each op were rewritten.
   */
  record Result(ModelProto model, int[] nodeIndex, Map<String, List<String>> aliases,
      List<String> refusals, Map<String, Integer> converted) {
    boolean ok() {
      return refusals.isEmpty();
    }

    /** The first refusal, and how many more there are, for a one-line message. */
    String refusal() {
      int more = refusals.size() - 1;
      return refusals.isEmpty() ? "" : refusals.get(0)
          + (more > 0 ? " (and " + more + " more node" + (more > 1 ? "s" : "") + ")" : "");
    }
  }

  private OpsetUpgrade(long from, long irVersion, String modelName, Set<String> used) {
    this.from = from;
    this.irVersion = irVersion;
    this.modelName = modelName;
    this.used = used;
  }

  private static Map<String, NodeConversion> conversions() {
    Map<String, NodeConversion> c = new HashMap<>();
    AttributesToInputs.ops().forEach(op -> c.put(op, new AttributesToInputs()));
    CoercedAxisOps.OPS.forEach(op -> c.put(op, new CoercedAxisOps()));
    c.put("Upsample", new UpsampleToResize());
    c.put("Resize", new UpsampleToResize());
    c.put("Dropout", new InferenceDropout());
    c.put("BatchNormalization", new SpatialBatchNorm());
    return Collections.unmodifiableMap(c);
  }

  /** {@code model}, whose default domain is at opset {@code from} (below 13), raised to 13. */
  static Result upgrade(ModelProto model, long from, String modelName) {
    Set<String> used = new HashSet<>();
    collectNames(model.getGraph(), used);
    OpsetUpgrade up = new OpsetUpgrade(from, model.getIrVersion(), modelName, used);
    ConversionSite main = up.convert(model.getGraph());
    ModelProto.Builder b = model.toBuilder().setGraph(main.graph());
    boolean found = false;
    for (int i = 0; i < b.getOpsetImportCount(); i++) {
      OperatorSetIdProto id = b.getOpsetImport(i);
      if (OnnxModel.sameDomain(id.getDomain(), OnnxModel.ONNX_DOMAIN)) {
        b.setOpsetImport(i, id.toBuilder().setVersion(PER_AXIS_OPSET));
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
    return new Result(b.build(), main.nodeIndex(), main.aliases(), List.copyOf(up.refusals),
        Collections.unmodifiableMap(up.converted));
  }

  private ConversionSite convert(GraphProto graph) {
    ConversionSite site = new ConversionSite(graph, irVersion, modelName, used);
    for (int i = 0; i < graph.getNodeCount(); i++) {
      site.begin(i);
      NodeProto n = withConvertedSubgraphs(graph.getNode(i));
      Integer since = UnchangedOps.since(n);
      if (!QuantizableOps.isOnnx(n) || (since != null && since <= from)) {
        site.replaceWith(n);
        continue;
      }
      NodeConversion conversion = CONVERSIONS.get(n.getOpType());
      try {
        if (conversion == null) {
          String padding = Attributes.getString(n, "auto_pad", "");
          throw new NodeConversion.Refused("qcal knows no conversion of " + n.getOpType()
              + (padding.startsWith("SAME") ? " with auto_pad " + padding : "")
              + (since == null ? "" : " below opset " + since));
        }
        conversion.convert(n, from, site);
        converted.merge(n.getOpType(), 1, Integer::sum);
      } catch (NodeConversion.Refused r) {
        site.rollback();
        site.replaceWith(n);
        refusals.add("node '" + site.label(i) + "' (" + n.getOpType() + ", opset " + from
            + "): " + r.getMessage());
      }
    }
    return site;
  }

  /** The node with each subgraph (If, Loop, Scan bodies) converted too. */
  private NodeProto withConvertedSubgraphs(NodeProto n) {
    NodeProto.Builder b = null;
    for (int i = 0; i < n.getAttributeCount(); i++) {
      AttributeProto a = n.getAttribute(i);
      if (!a.hasG() && a.getGraphsCount() == 0) {
        continue;
      }
      AttributeProto.Builder converted = a.toBuilder();
      if (a.hasG()) {
        converted.setG(convert(a.getG()).graph());
      }
      for (int g = 0; g < a.getGraphsCount(); g++) {
        converted.setGraphs(g, convert(a.getGraphs(g)).graph());
      }
      if (b == null) {
        b = n.toBuilder();
      }
      b.setAttribute(i, converted);
    }
    return b == null ? n : b.build();
  }

  /** Every name of {@code graph} and its subgraphs, so that new names collide with none. */
  private static void collectNames(GraphProto graph, Set<String> into) {
    graph.getInputList().forEach(v -> into.add(v.getName()));
    graph.getOutputList().forEach(v -> into.add(v.getName()));
    for (ValueInfoProto v : graph.getValueInfoList()) {
      into.add(v.getName());
    }
    for (TensorProto t : graph.getInitializerList()) {
      into.add(t.getName());
    }
    for (NodeProto n : graph.getNodeList()) {
      into.add(n.getName());
      into.addAll(n.getInputList());
      into.addAll(n.getOutputList());
      for (AttributeProto a : n.getAttributeList()) {
        if (a.hasG()) {
          collectNames(a.getG(), into);
        }
        for (GraphProto g : a.getGraphsList()) {
          collectNames(g, into);
        }
      }
    }
  }
}
