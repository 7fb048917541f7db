package org.qcal.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.qcal.ElementType;
import org.qcal.onnx.proto.Onnx.GraphProto;
import org.qcal.onnx.proto.Onnx.NodeProto;
import org.qcal.onnx.proto.Onnx.TensorProto;
import org.qcal.quant.QuantParams;
import org.qcal.quant.QuantType;

/**
 * Where the QDQ export puts its QuantizeLinear/DequantizeLinear nodes, on small graphs: one pair
 * per quantized activation with the params given (read back from the initializers), shared
 * params along a sharing chain, one pair for a tensor with several readers, per-channel weights
 * with their axis, a weight shared by two nodes quantized once, and new names that avoid the
 * graph's own.
 */
class QdqInserterTest {
  private static final QuantParams INPUT = QuantParams.of(1f / 255, 0, QuantType.UINT8);
  private static final QuantParams RELU = QuantParams.of(0.01f, 0, QuantType.UINT8);
  private static final QuantParams LOGITS = QuantParams.of(0.05f, 128, QuantType.UINT8);

  private static GraphProto export(OnnxModel model, Map<String, QuantParams> params) {
    return QdqExporter.export(model, GraphAnalyzer.analyze(model), params,
        WeightQuantization.DEFAULT).model().graph();
  }

  private static List<NodeProto> nodes(GraphProto g, String op, String input) {
    return g.getNodeList().stream()
        .filter(n -> n.getOpType().equals(op) && n.getInput(0).equals(input)).toList();
  }

  private static long count(GraphProto g, String op) {
    return g.getNodeList().stream().filter(n -> n.getOpType().equals(op)).count();
  }

  private static NodeProto only(List<NodeProto> nodes) {
    assertEquals(1, nodes.size(), nodes.toString());
    return nodes.get(0);
  }

  private static NodeProto producer(GraphProto g, String tensor) {
    return g.getNodeList().stream().filter(n -> n.getOutputList().contains(tensor)).findFirst()
        .orElseThrow();
  }

  private static TensorProto init(GraphProto g, String name) {
    return g.getInitializerList().stream().filter(t -> t.getName().equals(name)).findFirst()
        .orElse(null);
  }

  private static float[] floats(GraphProto g, String name) {
    return TensorData.floats(init(g, name), "test");
  }

  /** Scale and zero point of a Q or DQ node, read from its initializers. */
  private static void assertParams(GraphProto g, NodeProto qdq, float scale, int zeroPoint) {
    assertArrayEquals(new float[] {scale}, floats(g, qdq.getInput(1)), qdq.getName());
    TensorProto zp = init(g, qdq.getInput(2));
    assertEquals(ElementType.UINT8.code(), zp.getDataType());
    assertArrayEquals(new byte[] {(byte) zeroPoint}, zp.getRawData().toByteArray());
  }

  /**
   * The DQ after {@code tensor}'s Q, checked to carry the same params; returns its output.
   * {@code tensor} is what the Q reads: the tensor itself, or {@code <output>_float} for a graph
   * output.
   */
  private static String pair(GraphProto g, String tensor, float scale, int zeroPoint) {
    NodeProto q = only(nodes(g, "QuantizeLinear", tensor));
    assertParams(g, q, scale, zeroPoint);
    NodeProto dq = only(nodes(g, "DequantizeLinear", q.getOutput(0)));
    assertEquals(q.getInputList().subList(1, 3), dq.getInputList().subList(1, 3),
        "the DQ undoes the Q with the same scale and zero point");
    return dq.getOutput(0);
  }

  @Test
  void eachQuantizedActivationOfTheConvNetGetsOnePairAndItsReadersReadTheDq() {
    // Tapped: input, pool_out (measured for relu_out, the Conv's output folded into it) and
    // logits; relu_out and flat (Flatten) are quantized with pool_out's params
    // (GraphAnalyzerTest).
    GraphProto g = export(TestGraphs.convNet().model("convnet.onnx"),
        Map.of("input", INPUT, "pool_out", RELU, "logits", LOGITS));

    // Five quantized tensors, five Q; their five DQ plus one for each weight (W, fcW) and bias
    // (B, fcB).
    assertEquals(5, count(g, "QuantizeLinear"));
    assertEquals(5 + 2 + 2, count(g, "DequantizeLinear"));
    String input = pair(g, "input", 1f / 255, 0);
    String relu = pair(g, "relu_out", 0.01f, 0);
    String pool = pair(g, "pool_out", 0.01f, 0);
    String flat = pair(g, "flat", 0.01f, 0);
    assertEquals("logits", pair(g, "logits_float", 0.05f, 128), "the output keeps its name");
    assertEquals(input, producer(g, "conv_out").getInput(0));
    assertEquals(relu, producer(g, "pool_out").getInput(0));
    assertEquals(pool, producer(g, "flat").getInput(0));
    assertEquals(flat, producer(g, "logits_float").getInput(0));
    assertEquals(List.of(), nodes(g, "QuantizeLinear", "conv_out"), "folded: no pair");
  }

  @Test
  void aTensorWithTwoReadersGetsOnePairThatBothRead() {
    OnnxModel model = new GraphBuilder()
        .input("x", ElementType.FLOAT32, 1, 2)
        .output("a", ElementType.FLOAT32, 1, 2).output("b", ElementType.FLOAT32, 1, 2)
        .floatInit("W1", new float[] {1f, 0f, 0f, 1f}, 2, 2)
        .floatInit("W2", new float[] {0f, 1f, 1f, 0f}, 2, 2)
        .node("MatMul", "mm1", List.of("x", "W1"), List.of("a"))
        .node("MatMul", "mm2", List.of("x", "W2"), List.of("b"))
        .model("fork.onnx");

    GraphProto g = export(model, Map.of("x", INPUT, "a", RELU, "b", LOGITS));

    String x = pair(g, "x", 1f / 255, 0);
    assertEquals(x, producer(g, "a_float").getInput(0));
    assertEquals(x, producer(g, "b_float").getInput(0));
  }

  @Test
  void convWeightsArePerOutputChannelOnAxisZero() {
    // W [2 out, 1 in, 1, 2], symmetric int8 per output channel, scale = absmax / 127:
    // channel 0 (2.54, -1): scale 0.02, q = (127, rint(-1 / 0.02) = -50);
    // channel 1 (0.127, 0.0254): scale 0.001, q = (127, rint(25.4) = 25).
    OnnxModel model = new GraphBuilder()
        .input("x", ElementType.FLOAT32, 1, 1, 1, 2).output("y", ElementType.FLOAT32, 1, 2, 1, 1)
        .floatInit("W", new float[] {2.54f, -1f, 0.127f, 0.0254f}, 2, 1, 1, 2)
        .node("Conv", "conv", List.of("x", "W"), List.of("y"))
        .model("conv.onnx");

    GraphProto g = export(model, Map.of("x", INPUT, "y", LOGITS));

    NodeProto dq = producer(g, producer(g, "y_float").getInput(1));
    assertEquals("DequantizeLinear", dq.getOpType());
    assertEquals(0, Attributes.getInt(dq, "axis", -1));
    TensorProto w = init(g, dq.getInput(0));
    assertEquals(ElementType.INT8.code(), w.getDataType());
    assertEquals(List.of(2L, 1L, 1L, 2L), w.getDimsList());
    assertArrayEquals(new byte[] {127, -50, 127, 25}, w.getRawData().toByteArray());
    assertEquals(List.of(2L), init(g, dq.getInput(1)).getDimsList());
    assertArrayEquals(new float[] {0.02f, 0.001f}, floats(g, dq.getInput(1)), 1e-9f);
    assertArrayEquals(new byte[] {0, 0}, init(g, dq.getInput(2)).getRawData().toByteArray());
    assertNull(init(g, "W"), "the float weight is gone");
  }

  @Test
  void matMulWeightsArePerColumnOnAxisOne() {
    // W [2, 3] = [[1.27, 0.1, -0.5], [-0.6, 0.4, 0.3]]: the channels are its columns.
    // Column 0 (1.27, -0.6): scale 0.01, q = (127, -60); column 1 (0.1, 0.4): scale 0.4 / 127,
    // q = (rint(31.75) = 32, 127); column 2 (-0.5, 0.3): scale 0.5 / 127, q = (-127,
    // rint(76.2) = 76). Row-major: 127, 32, -127, -60, 127, 76.
    OnnxModel model = new GraphBuilder()
        .input("x", ElementType.FLOAT32, 1, 2).output("y", ElementType.FLOAT32, 1, 3)
        .floatInit("W", new float[] {1.27f, 0.1f, -0.5f, -0.6f, 0.4f, 0.3f}, 2, 3)
        .node("MatMul", "mm", List.of("x", "W"), List.of("y"))
        .model("matmul.onnx");

    GraphProto g = export(model, Map.of("x", INPUT, "y", LOGITS));

    NodeProto dq = producer(g, producer(g, "y_float").getInput(1));
    assertEquals(1, Attributes.getInt(dq, "axis", -1));
    assertArrayEquals(new byte[] {127, 32, -127, -60, 127, 76},
        init(g, dq.getInput(0)).getRawData().toByteArray());
    assertArrayEquals(new float[] {0.01f, 0.4f / 127, 0.5f / 127}, floats(g, dq.getInput(1)),
        1e-9f);
  }

  @Test
  void aWeightReadByTwoNodesIsQuantizedOnceAndBothReadItsDq() {
    OnnxModel model = new GraphBuilder()
        .input("x", ElementType.FLOAT32, 1, 2).output("y", ElementType.FLOAT32, 1, 2)
        .floatInit("W", new float[] {1.27f, -0.6f, 0.3f, 0.254f}, 2, 2)
        .node("MatMul", "mm1", List.of("x", "W"), List.of("h"))
        .node("MatMul", "mm2", List.of("h", "W"), List.of("y"))
        .model("twice.onnx");

    GraphProto g = export(model, Map.of("x", INPUT, "h", RELU, "y", LOGITS));

    NodeProto dq = only(nodes(g, "DequantizeLinear", "W_quantized"));
    assertEquals(dq.getOutput(0), producer(g, "h").getInput(1));
    assertEquals(dq.getOutput(0), producer(g, "y_float").getInput(1));
    // One set of W's: the float W is gone, its int8 values, scales and zero points are there
    // once, beside each activation's scale and zero point.
    assertEquals(List.of("W_quantized", "W_scale", "W_zero_point", "h_scale", "h_zero_point",
        "x_scale", "x_zero_point", "y_scale", "y_zero_point"),
        g.getInitializerList().stream().map(TensorProto::getName).sorted().toList());
  }

  @Test
  void newNamesAvoidNamesTheGraphAlreadyUses() {
    // The MatMul's output is called x_scale, so x's params cannot take that name: they become
    // x_1_scale and x_1_zero_point; x_scale's own are x_scale_scale and x_scale_zero_point.
    OnnxModel model = new GraphBuilder()
        .input("x", ElementType.FLOAT32, 1, 2).output("x_scale", ElementType.FLOAT32, 1, 2)
        .floatInit("W", new float[] {1f, 0f, 0f, 1f}, 2, 2)
        .node("MatMul", "mm", List.of("x", "W"), List.of("x_scale"))
        .model("names.onnx");

    GraphProto g = export(model, Map.of("x", INPUT, "x_scale", LOGITS));

    NodeProto qx = only(nodes(g, "QuantizeLinear", "x"));
    assertEquals(List.of("x", "x_1_scale", "x_1_zero_point"), qx.getInputList());
    assertParams(g, qx, 1f / 255, 0);
    NodeProto qy = only(nodes(g, "QuantizeLinear", "x_scale_float"));
    assertEquals(List.of("x_scale_float", "x_scale_scale", "x_scale_zero_point"),
        qy.getInputList());
    assertParams(g, qy, 0.05f, 128);
    assertEquals("DequantizeLinear", producer(g, "x_scale").getOpType());
  }
}
