package org.qcal.onnx;

import java.util.ArrayList;
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

  /** Drops the initializer {@code name} at {@link #apply()} if nothing reads it any more. */
  void removeIfUnused(String name) {
    candidatesForRemoval.add(name);
  }

  /** The edited graph. */
  GraphProto apply() {
    GraphProto.Builder g = graph.toBuilder().clearNode();
    g.addAllNode(prefix);
    for (int i = 0; i < graph.getNodeCount(); i++) {
      g.addNode(node(i));
      g.addAllNode(after.getOrDefault(i, List.of()));
    }
    g.addAllInitializer(added.values());
    if (!candidatesForRemoval.isEmpty()) {
      Set<String> read = readNames(g.build());
      Set<String> drop = new HashSet<>(candidatesForRemoval);
      drop.removeAll(read);
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
    }
    return g.build();
  }

  /** Every name a node (or a subgraph) reads, plus the graph outputs. */
  private static Set<String> readNames(GraphProto g) {
    Set<String> read = new HashSet<>();
    for (ValueInfoProto v : g.getOutputList()) {
      read.add(v.getName());
    }
    collect(g, read);
    return read;
  }

  private static void collect(GraphProto g, Set<String> into) {
    for (NodeProto n : g.getNodeList()) {
      into.addAll(n.getInputList());
      for (AttributeProto a : n.getAttributeList()) {
        if (a.hasG()) {
          collect(a.getG(), into);
        }
        for (GraphProto sub : a.getGraphsList()) {
          collect(sub, into);
        }
      }
    }
  }
}
