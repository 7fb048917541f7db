package org.qcal.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.qcal.onnx.proto.Onnx.AttributeProto;
import org.qcal.onnx.proto.Onnx.GraphProto;
import org.qcal.onnx.proto.Onnx.NodeProto;
import org.qcal.onnx.proto.Onnx.TensorProto;
import org.qcal.onnx.proto.Onnx.ValueInfoProto;

/**
 * Who produces and who consumes each tensor of a (main) graph. Nodes are identified by their
 * index in {@code graph.node}, which onnx.proto requires to be topologically sorted. A node with a
 * subgraph (If, Loop, Scan) counts as a consumer of every outer tensor its subgraphs read, so
 * "the only consumer" never overlooks a use hidden in a branch.
 */
final class GraphIndex {
  private final GraphProto graph;
  private final long irVersion;
  private final Map<String, Integer> producers = new HashMap<>();
  private final Map<String, List<Integer>> consumers = new HashMap<>();
  private final Map<String, TensorProto> initializers = new HashMap<>();
  private final Set<String> inputs = new LinkedHashSet<>();
  private final Set<String> outputs = new LinkedHashSet<>();

  GraphIndex(GraphProto graph, long irVersion) {
    this.graph = graph;
    this.irVersion = irVersion;
    for (TensorProto t : graph.getInitializerList()) {
      initializers.put(t.getName(), t);
    }
    for (ValueInfoProto v : graph.getInputList()) {
      inputs.add(v.getName());
    }
    for (ValueInfoProto v : graph.getOutputList()) {
      outputs.add(v.getName());
    }
    for (int i = 0; i < graph.getNodeCount(); i++) {
      NodeProto n = graph.getNode(i);
      for (String out : n.getOutputList()) {
        if (!out.isEmpty()) {
          producers.putIfAbsent(out, i);
        }
      }
      Set<String> read = new LinkedHashSet<>(n.getInputList());
      for (AttributeProto a : n.getAttributeList()) {
        if (a.hasG()) {
          collectReads(a.getG(), read);
        }
        for (GraphProto g : a.getGraphsList()) {
          collectReads(g, read);
        }
      }
      for (String in : read) {
        if (!in.isEmpty()) {
          consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(i);
        }
      }
    }
  }

  /** Every tensor name a subgraph reads, including from its own nested subgraphs. */
  private static void collectReads(GraphProto g, Set<String> into) {
    for (NodeProto n : g.getNodeList()) {
      into.addAll(n.getInputList());
      for (AttributeProto a : n.getAttributeList()) {
        if (a.hasG()) {
          collectReads(a.getG(), into);
        }
        for (GraphProto sub : a.getGraphsList()) {
          collectReads(sub, into);
        }
      }
    }
  }

  GraphProto graph() {
    return graph;
  }

  int nodeCount() {
    return graph.getNodeCount();
  }

  NodeProto node(int i) {
    return graph.getNode(i);
  }

  /** The index of the node that produces {@code tensor}, or -1 (graph input, initializer). */
  int producer(String tensor) {
    return producers.getOrDefault(tensor, -1);
  }

  /** Indices of the nodes that read {@code tensor}, each once, in graph order. */
  List<Integer> consumers(String tensor) {
    return consumers.getOrDefault(tensor, List.of());
  }

  boolean isGraphInput(String tensor) {
    return inputs.contains(tensor);
  }

  boolean isGraphOutput(String tensor) {
    return outputs.contains(tensor);
  }

  /** The initializer named {@code tensor}, or null. */
  TensorProto initializer(String tensor) {
    return initializers.get(tensor);
  }

  /** True when the tensor's only reader is node {@code node} and it is not a graph output. */
  boolean onlyConsumerIs(String tensor, int node) {
    List<Integer> c = consumers(tensor);
    return c.size() == 1 && c.get(0) == node && !isGraphOutput(tensor)
        && readsOnce(graph.getNode(node), tensor);
  }

  private static boolean readsOnce(NodeProto n, String tensor) {
    int count = 0;
    for (String in : n.getInputList()) {
      if (in.equals(tensor)) {
        count++;
      }
    }
    return count == 1;
  }

  /** Every name in use in the graph (tensors, initializers, nodes), to keep new names unique. */
  Set<String> usedNames() {
    Set<String> names = new HashSet<>(producers.keySet());
    names.addAll(consumers.keySet());
    names.addAll(initializers.keySet());
    names.addAll(inputs);
    names.addAll(outputs);
    for (NodeProto n : graph.getNodeList()) {
      names.add(n.getName());
    }
    for (ValueInfoProto v : graph.getValueInfoList()) {
      names.add(v.getName());
    }
    return names;
  }

  /** A readable label for messages: the node's name, or its op type and index. */
  String label(int node) {
    NodeProto n = graph.getNode(node);
    return n.getName().isEmpty() ? n.getOpType() + "#" + node : n.getName();
  }
}
