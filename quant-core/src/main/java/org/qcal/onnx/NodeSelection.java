package org.qcal.onnx;

import java.io.Serializable;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import org.qcal.Check;
import org.qcal.QcalException;
import org.qcal.onnx.proto.Onnx.NodeProto;

/**
 * Which nodes to quantize: every quantizable node except those of the excluded op types and
 * node names ({@code --exclude-op-types}, {@code --exclude-nodes}). Nodes left out run in float,
 * and their tensors are neither tapped nor quantized unless a quantized neighbour needs them.
 * Immutable.
 */
public final class NodeSelection implements Serializable {
  private static final long serialVersionUID = 2L;

  /** Every quantizable node. */
  public static final NodeSelection ALL = new NodeSelection(Set.of(), Set.of(), Set.of());

  private final Set<String> excludeOps;
  private final Set<String> excludeNodes;
  private final Set<String> removedNodes;

  private NodeSelection(Set<String> excludeOps, Set<String> excludeNodes,
      Set<String> removedNodes) {
    this.excludeOps = excludeOps;
    this.excludeNodes = excludeNodes;
    this.removedNodes = removedNodes;
  }

  /** Never these op types. Unknown op types are refused. */
  public NodeSelection excludeOpTypes(Collection<String> ops) {
    return new NodeSelection(opTypes(ops), excludeNodes, removedNodes);
  }

  /** Never nodes with these names. */
  public NodeSelection excludeNodes(Collection<String> names) {
    return new NodeSelection(excludeOps, names(names), removedNodes);
  }

  /**
   * The same selection of a model from which a transform removed these nodes (a
   * BatchNormalization folded into its Conv, {@link BatchNormFolding}): the lists may still name
   * them, as the user saw them in the original model; they match no node and are no error.
   */
  public NodeSelection withRemovedNodes(Collection<String> names) {
    return new NodeSelection(excludeOps, excludeNodes,
        Set.copyOf(Check.notNull(names, "removed nodes")));
  }

  /** Node names never quantized, sorted. */
  public Set<String> excludedNodes() {
    return new TreeSet<>(excludeNodes);
  }

  /** Op types never quantized, sorted. */
  public Set<String> excludedOpTypes() {
    return new TreeSet<>(excludeOps);
  }

  /** True when {@code node} may be quantized. */
  public boolean accepts(NodeProto node) {
    return !excludeOps.contains(node.getOpType()) && !excludeNodes.contains(node.getName());
  }

  /**
   * Node names of the exclude list, to report names that match no node; without the names of
   * removed nodes.
   */
  Set<String> namedNodes() {
    Set<String> all = new TreeSet<>(excludeNodes);
    all.removeAll(removedNodes);
    return all;
  }

  private static Set<String> opTypes(Collection<String> ops) {
    Set<String> set = names(ops);
    for (String op : set) {
      if (!QuantizableOps.ALL.contains(op)) {
        throw new QcalException("op type to exclude must be one of " + QuantizableOps.ALL
            + ", got '" + op + "'");
      }
    }
    return set;
  }

  private static Set<String> names(Collection<String> names) {
    Check.notNull(names, "exclude list");
    Set<String> set = new TreeSet<>();
    for (String n : names) {
      Check.that(n != null && !n.isBlank(), "exclude entry", "a non-blank name", n);
      set.add(n.trim());
    }
    return Set.copyOf(set);
  }

  @Override
  public String toString() {
    return "NodeSelection{excludeOps=" + excludeOps + ", excludeNodes=" + excludeNodes + "}";
  }
}
