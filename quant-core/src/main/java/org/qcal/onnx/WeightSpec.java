package org.qcal.onnx;

import java.io.Serializable;
import java.util.List;

/**
 * A constant weight of an anchor node: the float initializer, the node input it feeds, and the
 * axis of its output channels ({@code -1}: only per-tensor quantization is valid).
 *
 * @param initializer name of the float initializer
 * @param axis output-channel axis, or -1
 * @param node index of the consuming node in the graph
 * @param nodeLabel the node's name (or op type and index), for messages
 * @param opType the node's op type
 * @param input the input position of the weight in the node
 * @param dims the initializer's shape
 */
public record WeightSpec(String initializer, int axis, int node, String nodeLabel, String opType,
    int input, List<Long> dims) implements Serializable {

  public WeightSpec {
    dims = List.copyOf(dims);
  }

  /** Number of output channels along {@link #axis()}, or 1 per tensor. */
  public int channels() {
    return axis < 0 ? 1 : Math.toIntExact(dims.get(axis));
  }
}
