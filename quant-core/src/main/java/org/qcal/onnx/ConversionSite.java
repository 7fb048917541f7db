package org.qcal.onnx;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.qcal.ElementType;
import org.qcal.onnx.proto.Onnx.GraphProto;
import org.qcal.onnx.proto.Onnx.NodeProto;
import org.qcal.onnx.proto.Onnx.TensorProto;

/**
 * One graph (the main graph or a subgraph) while {@link OpsetUpgrade} rewrites it for opset 13:
 * what a {@link NodeConversion} may ask about the original graph (ranks, element types,
 * constant values, readers), and where it writes: the nodes that replace the node being
 * converted, in order, and the constants they need, as initializers of this graph.
 */
final class ConversionSite {
  private final GraphProto graph;
  private final GraphIndex index;
  private final String modelName;
  private final Set<String> used;
  private final List<NodeProto> nodes = new ArrayList<>();
  private final List<TensorProto> initializers = new ArrayList<>();
  private final int[] newIndex;
  private final Map<String, List<String>> aliases = new LinkedHashMap<>();
  private int current = -1;
  private int nodesAtBegin;
  private int initializersAtBegin;
  private TensorRanks ranks;
  private ElementTypes types;
  private ConstantValues constants;

  /** {@code used}: every name of the model, shared by all its graphs, so new names are unique. */
  ConversionSite(GraphProto graph, long irVersion, String modelName, Set<String> used) {
    this.graph = graph;
    this.index = new GraphIndex(graph, irVersion);
    this.modelName = modelName;
    this.used = used;
    this.newIndex = new int[graph.getNodeCount()];
  }

  /** Starts the replacement of original node {@code i}. */
  void begin(int i) {
    current = i;
    newIndex[i] = -1;
    nodesAtBegin = nodes.size();
    initializersAtBegin = initializers.size();
  }

  /** Forgets what the replacement of the current node wrote so far (it was refused). */
  void rollback() {
    nodes.subList(nodesAtBegin, nodes.size()).clear();
    initializers.subList(initializersAtBegin, initializers.size()).clear();
    newIndex[current] = -1;
    aliases.values().forEach(list -> list.removeIf(a -> !isWritten(a)));
    aliases.values().removeIf(List::isEmpty);
  }

  private boolean isWritten(String tensor) {
    return nodes.stream().anyMatch(n -> n.getOutputList().contains(tensor));
  }

  /** A node that helps the replacement, placed where it is added (before or after the main). */
  void add(NodeProto node) {
    nodes.add(node);
  }

  /** The node that takes the original's place: what the calibration plan's indices point at. */
  void replaceWith(NodeProto node) {
    newIndex[current] = nodes.size();
    nodes.add(node);
  }

  /**
   * Records that new tensor {@code alias} holds the values of original tensor {@code original},
   * only laid out in another shape (a Flatten of it): quantized with the same params, the QDQ
   * export keeps the quantized op between Q/DQ pairs, where ONNX Runtime fuses it.
   */
  void alias(String alias, String original) {
    aliases.computeIfAbsent(original, k -> new ArrayList<>()).add(alias);
  }

  /** Original tensor -> the new tensors recorded as holding its values ({@link #alias}). */
  Map<String, List<String>> aliases() {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    aliases.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    return copy;
  }

  /** A tensor or node name not yet used in the model, {@code base} if it is free. */
  String newName(String base) {
    return Names.unique(base, used);
  }

  /** A new 1-D int64 constant holding {@code values}; returns its name. */
  String int64s(String base, long... values) {
    return constant(TensorData.int64s(newName(base), List.of((long) values.length), values));
  }

  /** A new 1-D float32 constant holding {@code values}; returns its name. */
  String floats(String base, float... values) {
    return constant(TensorData.floats(newName(base), List.of((long) values.length), values));
  }

  /**
   * A new scalar constant of the float element type of {@code like} (the data input of the node
   * being converted, as Clip's bounds and Pad's value must be); returns its name.
   */
  String scalarLike(String like, String base, double value) {
    ElementType type = elementType(like);
    if (type == ElementType.FLOAT32) {
      return constant(TensorData.floats(newName(base), List.of(), new float[] {(float) value}));
    }
    if (type == ElementType.FLOAT64) {
      return constant(TensorData.doubles(newName(base), List.of(), new double[] {value}));
    }
    throw new NodeConversion.Refused("the constant it needs must have the element type of '"
        + like + "', which is " + (type == ElementType.UNDEFINED ? "not known"
            : type) + "; qcal writes float32 and float64 ones");
  }

  private String constant(TensorProto t) {
    initializers.add(t);
    return t.getName();
  }

  /** The rank of {@code tensor} as declared or propagated, or -1 when unknown. */
  int rank(String tensor) {
    if (ranks == null) {
      ranks = TensorRanks.infer(index);
    }
    return ranks.of(tensor);
  }

  /** The element type of {@code tensor}, or {@link ElementType#UNDEFINED}. */
  ElementType elementType(String tensor) {
    if (types == null) {
      types = ElementTypes.infer(index);
    }
    return types.of(tensor);
  }

  /**
   * The values of float32 constant {@code tensor}, or null when they are not known here: an
   * initializer, a Constant node or a view of one ({@link ConstantValues}), or a Concat of such
   * 1-D constants (torch writes Upsample's scales so at opset 9).
   */
  float[] floatConstant(String tensor) {
    if (constants == null) {
      constants = new ConstantValues(index, TensorClasses.classify(index), modelName);
    }
    TensorProto t = constants.floatValue(tensor);
    if (t != null) {
      return TensorData.floats(t, modelName);
    }
    int p = index.producer(tensor);
    NodeProto concat = p < 0 ? null : index.node(p);
    if (concat == null || !concat.getOpType().equals("Concat")
        || !QuantizableOps.isOnnx(concat)) {
      return null;
    }
    List<float[]> parts = new ArrayList<>();
    int length = 0;
    for (String in : concat.getInputList()) {
      TensorProto part = constants.floatValue(in);
      if (part == null || part.getDimsCount() != 1) {
        return null;
      }
      parts.add(TensorData.floats(part, modelName));
      length += parts.get(parts.size() - 1).length;
    }
    float[] all = new float[length];
    int at = 0;
    for (float[] part : parts) {
      System.arraycopy(part, 0, all, at, part.length);
      at += part.length;
    }
    return all;
  }

  /** True when a node (or a subgraph) of this graph reads {@code tensor}, or it is an output. */
  boolean isRead(String tensor) {
    return !index.consumers(tensor).isEmpty() || index.isGraphOutput(tensor);
  }

  /** The label of original node {@code i} for messages: its name, or op type and index. */
  String label(int i) {
    return index.label(i);
  }

  /** Original node index -> index of the node that replaced it in {@link #graph()}. */
  int[] nodeIndex() {
    return newIndex.clone();
  }

  /** The graph with the nodes and constants written. */
  GraphProto graph() {
    return graph.toBuilder().clearNode().addAllNode(nodes).addAllInitializer(initializers)
        .build();
  }
}
