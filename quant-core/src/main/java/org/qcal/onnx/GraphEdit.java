package org.qcal.onnx;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.qcal.onnx.proto.Onnx.AttributeProto;
import org.qcal.onnx.proto.Onnx.GraphProto;
import org.qcal.onnx.proto.Onnx.NodeProto;
import org.qcal.onnx.proto.Onnx.TensorProto;
import org.qcal.onnx.proto.Onnx.ValueInfoProto;

/**
 * Edits of a graph collected first and applied once, so that node indices of the original graph
 * stay valid while the edits are planned. New nodes go at the start (they read only
 * initializers or graph inputs) or right after a given node, which keeps the node list
 * topologically sorted as onnx.proto requires.
 */
final class GraphEdit {
  private final GraphProto graph;
  private final List<NodeProto> prefix = new ArrayList<>();
  private final Map<Integer, List<NodeProto>> after = new HashMap<>();
  private final Map<Integer, NodeProto> replaced = new HashMap<>();
  private final Set<Integer> removed = new HashSet<>();
  private final Map<String, TensorProto> added = new LinkedHashMap<>();
  private final Set<String> candidatesForRemoval = new HashSet<>();

  GraphEdit(GraphProto graph) {
    this.graph = graph;
  }

  /** The node as edited so far. */
  NodeProto node(int i) {
    return replaced.getOrDefault(i, graph.getNode(i));
  }

  void prepend(NodeProto node) {
    prefix.add(node);
  }

  /** Inserts after node {@code i}, or at the start for {@code i < 0}. */
  void insertAfter(int i, NodeProto node) {
    if (i < 0) {
      prepend(node);
    } else {
      after.computeIfAbsent(i, k -> new ArrayList<>()).add(node);
    }
  }

  /** Replaces original node {@code i} by {@code node}. */
  void replace(int i, NodeProto node) {
    replaced.put(i, node);
  }

  /** Drops original node {@code i}; its readers must read something else by {@link #apply()}. */
  void remove(int i) {
    removed.add(i);
  }

  void setInput(int i, int slot, String name) {
    replaced.put(i, node(i).toBuilder().setInput(slot, name).build());
  }

  /** Makes every explicit read of {@code from} in original node {@code i} read {@code to}. */
  void redirectInput(int i, String from, String to) {
    NodeProto.Builder b = node(i).toBuilder();
    for (int s = 0; s < b.getInputCount(); s++) {
      if (b.getInput(s).equals(from)) {
        b.setInput(s, to);
      }
    }
    replaced.put(i, b.build());
  }

  void renameOutput(int i, String from, String to) {
    NodeProto.Builder b = node(i).toBuilder();
    for (int s = 0; s < b.getOutputCount(); s++) {
      if (b.getOutput(s).equals(from)) {
        b.setOutput(s, to);
      }
    }
    replaced.put(i, b.build());
  }

  void setAttribute(int i, AttributeProto a) {
    replaced.put(i, Attributes.with(node(i), a));
  }

  void addInitializer(TensorProto t) {
    added.put(t.getName(), t);
  }

  /**
   * Drops {@code name} at {@link #apply()} if nothing reads it any more: an initializer (and its
   * graph input), or the node that computes it (a Constant, or a view of a weight such as
   * Identity or Transpose) once none of that node's outputs is read, and then in turn the
   * inputs that only node read.
   */
  void removeIfUnused(String name) {
    candidatesForRemoval.add(name);
  }

  /** The edited graph. */
  GraphProto apply() {
    List<NodeProto> nodes = new ArrayList<>(prefix);
    for (int i = 0; i < graph.getNodeCount(); i++) {
      if (!removed.contains(i)) {
        nodes.add(node(i));
      }
      nodes.addAll(after.getOrDefault(i, List.of()));
    }
    GraphProto.Builder g = graph.toBuilder().clearNode();
    g.addAllInitializer(added.values());
    Set<String> drop = new HashSet<>();
    Deque<String> pending = new ArrayDeque<>(candidatesForRemoval);
    Set<String> read = readNames(nodes, g.getOutputList());
    while (!pending.isEmpty()) {
      String name = pending.pop();
      if (read.contains(name) || drop.contains(name)) {
        continue;
      }
      drop.add(name);
      NodeProto producer = producerOf(nodes, name);
      if (producer != null && producer.getOutputList().stream().noneMatch(read::contains)) {
        nodes.remove(producer);
        pending.addAll(producer.getInputList());
        read = readNames(nodes, g.getOutputList());
      }
    }
    g.addAllNode(nodes);
    if (!drop.isEmpty()) {
      List<TensorProto> keep = new ArrayList<>();
      for (TensorProto t : g.getInitializerList()) {
        if (!drop.contains(t.getName())) {
          keep.add(t);
        }
      }
      g.clearInitializer().addAllInitializer(keep);
      List<ValueInfoProto> inputs = new ArrayList<>();
      for (ValueInfoProto v : g.getInputList()) {
        if (!drop.contains(v.getName())) {
          inputs.add(v);
        }
      }
      g.clearInput().addAllInput(inputs);
    }
    return g.build();
  }

  private static NodeProto producerOf(List<NodeProto> nodes, String name) {
    for (NodeProto n : nodes) {
      if (n.getOutputList().contains(name)) {
        return n;
      }
    }
    return null;
  }

  /** Every name a node (or a subgraph) reads, plus the graph outputs. */
  private static Set<String> readNames(List<NodeProto> nodes, List<ValueInfoProto> outputs) {
    Set<String> read = new HashSet<>();
    for (ValueInfoProto v : outputs) {
      read.add(v.getName());
    }
    collect(nodes, read);
    return read;
  }

  private static void collect(List<NodeProto> nodes, Set<String> into) {
    for (NodeProto n : nodes) {
      into.addAll(n.getInputList());
      for (AttributeProto a : n.getAttributeList()) {
        if (a.hasG()) {
          collect(a.getG().getNodeList(), into);
        }
        for (GraphProto sub : a.getGraphsList()) {
          collect(sub.getNodeList(), into);
        }
      }
    }
  }
}
