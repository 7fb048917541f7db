package org.qcal.onnx;

import java.io.Serializable;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import org.qcal.Check;
import org.qcal.QcalException;
import org.qcal.onnx.proto.Onnx.NodeProto;

/**
 * Which nodes to quantize: by op type and by node name, each with an include list (empty means
 * "all") and an exclude list; an exclusion always wins. Nodes left out run in float, and their
 * tensors are neither tapped nor quantized unless a quantized neighbour needs them. Immutable.
 */
public final class NodeSelection implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Every quantizable node. */
  public static final NodeSelection ALL = new NodeSelection(Set.of(), Set.of(), Set.of(),
      Set.of(), Set.of());

  private final Set<String> includeOps;
  private final Set<String> excludeOps;
  private final Set<String> includeNodes;
  private final Set<String> excludeNodes;
  private final Set<String> removedNodes;

  private NodeSelection(Set<String> includeOps, Set<String> excludeOps, Set<String> includeNodes,
      Set<String> excludeNodes, Set<String> removedNodes) {
    this.includeOps = includeOps;
    this.excludeOps = excludeOps;
    this.includeNodes = includeNodes;
    this.excludeNodes = excludeNodes;
    this.removedNodes = removedNodes;
  }

  /** Only these op types (empty: every quantizable type). Unknown op types are refused. */
  public NodeSelection includeOpTypes(Collection<String> ops) {
    return new NodeSelection(opTypes(ops, "include"), excludeOps, includeNodes, excludeNodes,
        removedNodes);
  }

  /** Never these op types. */
  public NodeSelection excludeOpTypes(Collection<String> ops) {
    return new NodeSelection(includeOps, opTypes(ops, "exclude"), includeNodes, excludeNodes,
        removedNodes);
  }

  /** Only nodes with these names (empty: every node). */
  public NodeSelection includeNodes(Collection<String> names) {
    return new NodeSelection(includeOps, excludeOps, names(names, "include"), excludeNodes,
        removedNodes);
  }

  /** Never nodes with these names. */
  public NodeSelection excludeNodes(Collection<String> names) {
    return new NodeSelection(includeOps, excludeOps, includeNodes, names(names, "exclude"),
        removedNodes);
  }

  /**
   * The same selection of a model from which a transform removed these nodes (a
   * BatchNormalization folded into its Conv, {@link BatchNormFolding}): the lists may still name
   * them, as the user saw them in the original model; they match no node and are no error.
   */
  public NodeSelection withRemovedNodes(Collection<String> names) {
    return new NodeSelection(includeOps, excludeOps, includeNodes, excludeNodes,
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
    String op = node.getOpType();
    String name = node.getName();
    if (excludeOps.contains(op) || excludeNodes.contains(name)) {
      return false;
    }
    return (includeOps.isEmpty() || includeOps.contains(op))
        && (includeNodes.isEmpty() || includeNodes.contains(name));
  }

  /**
   * Node names of the include and exclude lists, to report names that match no node; without
   * the names of removed nodes.
   */
  Set<String> namedNodes() {
    Set<String> all = new TreeSet<>(includeNodes);
    all.addAll(excludeNodes);
    all.removeAll(removedNodes);
    return all;
  }

  private static Set<String> opTypes(Collection<String> ops, String what) {
    Set<String> set = names(ops, what);
    for (String op : set) {
      if (!QuantizableOps.ALL.contains(op)) {
        throw new QcalException("op type to " + what + " must be one of " + QuantizableOps.ALL
            + ", got '" + op + "'");
      }
    }
    return set;
  }

  private static Set<String> names(Collection<String> names, String what) {
    Check.notNull(names, what + " list");
    Set<String> set = new TreeSet<>();
    for (String n : names) {
      Check.that(n != null && !n.isBlank(), what + " entry", "a non-blank name", n);
      set.add(n.trim());
    }
    return Set.copyOf(set);
  }

  @Override
  public String toString() {
    return "NodeSelection{includeOps=" + includeOps + ", excludeOps=" + excludeOps
        + ", includeNodes=" + includeNodes + ", excludeNodes=" + excludeNodes + "}";
  }
}
