package org.qcal.jobs.validate;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.qcal.onnx.OnnxModel;
import org.qcal.onnx.proto.Onnx.GraphProto;
import org.qcal.onnx.proto.Onnx.NodeProto;
import org.qcal.onnx.proto.Onnx.ValueInfoProto;

/**
 * Finds the quantized activations of a QDQ model: every {@code QuantizeLinear -> DequantizeLinear}
 * pair, and the float tensor of the original model that the pair's DQ output stands for.
 *
 * <p>Works on any QDQ model, qcal's or ONNX Runtime's quantizer's: the Q input is the original
 * tensor, except where that tensor is a graph output; there the DQ output takes over the original
 * name and the producer writes a renamed tensor ({@code x_float} in qcal's QdqInserter), so the
 * DQ output's own name is the original. Constants (an initializer feeding only a DQ) have no Q
 * node and are not activations.
 */
public final class QdqTensors {
  private QdqTensors() {}

  /** Original tensor -> the DQ output carrying its quantized value, in node order. */
  public static Map<String, String> dequantized(OnnxModel qdq) {
    GraphProto graph = qdq.graph();
    Set<String> graphOutputs = new HashSet<>();
    for (ValueInfoProto v : graph.getOutputList()) {
      graphOutputs.add(v.getName());
    }
    Map<String, String> quantizedFrom = new HashMap<>();
    for (NodeProto node : graph.getNodeList()) {
      if (isOp(node, "QuantizeLinear") && node.getInputCount() > 0 && node.getOutputCount() > 0) {
        quantizedFrom.put(node.getOutput(0), node.getInput(0));
      }
    }
    Map<String, String> result = new LinkedHashMap<>();
    for (NodeProto node : graph.getNodeList()) {
      if (!isOp(node, "DequantizeLinear") || node.getInputCount() == 0
          || node.getOutputCount() == 0) {
        continue;
      }
      String source = quantizedFrom.get(node.getInput(0));
      if (source == null) {
        continue; // a constant's DQ
      }
      String output = node.getOutput(0);
      String tensor = graphOutputs.contains(output) ? output : source;
      result.putIfAbsent(tensor, output);
    }
    return result;
  }

  private static boolean isOp(NodeProto node, String op) {
    String domain = node.getDomain();
    return node.getOpType().equals(op)
        && (domain.isEmpty() || domain.equals("ai.onnx") || domain.equals("com.microsoft"));
  }
}
