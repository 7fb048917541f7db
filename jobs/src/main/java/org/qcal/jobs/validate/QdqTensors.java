package org.qcal.jobs.validate;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.qcal.ElementType;
import org.qcal.onnx.OnnxModel;
import org.qcal.onnx.proto.Onnx.GraphProto;
import org.qcal.onnx.proto.Onnx.NodeProto;
import org.qcal.onnx.proto.Onnx.TensorProto;
import org.qcal.onnx.proto.Onnx.ValueInfoProto;
import org.qcal.quant.QuantParams;
import org.qcal.quant.QuantType;

/**
 * Finds the quantized activations of a QDQ model: every {@code QuantizeLinear -> DequantizeLinear}
 * pair, and the float tensor of the original model that the pair stands for.
 *
 * <p>Works on any QDQ model, qcal's or ONNX Runtime's quantizer's: the Q input is the original
 * tensor, except where that tensor is a graph output; there the DQ output takes over the original
 * name and the producer writes a renamed tensor ({@code x_float} in qcal's QdqInserter), so the
 * DQ output's own name is the original. Constants (an initializer feeding only a DQ) have no Q
 * node and are not activations.
 */
public final class QdqTensors {
  private QdqTensors() {}

  /**
   * One quantized activation.
   *
   * @param quantized the Q output (the integer tensor)
   * @param dequantized the DQ output (its float value as the next op sees it)
   * @param params the Q node's per-tensor params when they are scalar initializers, else null
   */
  public record Pair(String quantized, String dequantized, QuantParams params) {}

  /** Original tensor -> the DQ output carrying its quantized value, in node order. */
  public static Map<String, String> dequantized(OnnxModel qdq) {
    Map<String, String> result = new LinkedHashMap<>();
    pairs(qdq).forEach((tensor, pair) -> result.put(tensor, pair.dequantized()));
    return result;
  }

  /** Original tensor -> its Q/DQ pair, in node order. */
  public static Map<String, Pair> pairs(OnnxModel qdq) {
    GraphProto graph = qdq.graph();
    Set<String> graphOutputs = new HashSet<>();
    for (ValueInfoProto v : graph.getOutputList()) {
      graphOutputs.add(v.getName());
    }
    Map<String, TensorProto> initializers = new HashMap<>();
    for (TensorProto t : graph.getInitializerList()) {
      initializers.put(t.getName(), t);
    }
    Map<String, NodeProto> quantizers = new HashMap<>();
    for (NodeProto node : graph.getNodeList()) {
      if (isOp(node, "QuantizeLinear") && node.getInputCount() > 0 && node.getOutputCount() > 0) {
        quantizers.put(node.getOutput(0), node);
      }
    }
    Map<String, Pair> result = new LinkedHashMap<>();
    for (NodeProto node : graph.getNodeList()) {
      if (!isOp(node, "DequantizeLinear") || node.getInputCount() == 0
          || node.getOutputCount() == 0) {
        continue;
      }
      NodeProto q = quantizers.get(node.getInput(0));
      if (q == null) {
        continue; // a constant's DQ
      }
      String output = node.getOutput(0);
      String tensor = graphOutputs.contains(output) ? output : q.getInput(0);
      result.putIfAbsent(tensor, new Pair(q.getOutput(0), output, params(q, initializers)));
    }
    return result;
  }

  /** Scalar scale and zero point of a Q node, when both are initializers of a known type. */
  private static QuantParams params(NodeProto q, Map<String, TensorProto> initializers) {
    if (q.getInputCount() < 3 || q.getAttributeList().stream()
        .anyMatch(a -> a.getName().equals("axis") || a.getName().equals("block_size"))) {
      return null; // no zero point (int8 default is a guess we do not make), or per axis
    }
    TensorProto scale = initializers.get(q.getInput(1));
    TensorProto zeroPoint = initializers.get(q.getInput(2));
    if (scale == null || zeroPoint == null || scale.getDimsCount() != 0
        || zeroPoint.getDimsCount() != 0) {
      return null;
    }
    try {
      float s = scalarFloat(scale);
      QuantType type = QuantType.fromOnnxType(zeroPoint.getDataType());
      int zp = scalarInt(zeroPoint);
      return QuantParams.of(s, zp, type);
    } catch (RuntimeException e) {
      return null; // an encoding or type this reader does not know: use the DQ output
    }
  }

  private static float scalarFloat(TensorProto t) {
    if (t.getDataType() != ElementType.FLOAT32.code()) {
      throw new IllegalArgumentException("scale is not float");
    }
    if (t.getFloatDataCount() == 1) {
      return t.getFloatData(0);
    }
    ByteBuffer b = t.getRawData().asReadOnlyByteBuffer()
        .order(ByteOrder.LITTLE_ENDIAN);
    return b.getFloat();
  }

  private static int scalarInt(TensorProto t) {
    if (t.getInt32DataCount() == 1) {
      return switch (ElementType.of(t.getDataType())) {
        case UINT8 -> t.getInt32Data(0) & 0xFF;
        case INT8 -> (byte) t.getInt32Data(0);
        case UINT16 -> t.getInt32Data(0) & 0xFFFF;
        case INT16 -> (short) t.getInt32Data(0);
        default -> throw new IllegalArgumentException("zero point type " + t.getDataType());
      };
    }
    ByteBuffer b = t.getRawData().asReadOnlyByteBuffer()
        .order(ByteOrder.LITTLE_ENDIAN);
    return switch (ElementType.of(t.getDataType())) {
      case UINT8 -> b.get() & 0xFF;
      case INT8 -> b.get();
      case UINT16 -> b.getShort() & 0xFFFF;
      case INT16 -> b.getShort();
      default -> throw new IllegalArgumentException("zero point type " + t.getDataType());
    };
  }

  private static boolean isOp(NodeProto node, String op) {
    String domain = node.getDomain();
    return node.getOpType().equals(op)
        && (domain.isEmpty() || domain.equals("ai.onnx") || domain.equals("com.microsoft"));
  }
}
