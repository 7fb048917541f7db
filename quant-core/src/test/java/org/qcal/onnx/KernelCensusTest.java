package org.qcal.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.qcal.onnx.proto.Onnx.GraphProto;
import org.qcal.onnx.proto.Onnx.ModelProto;
import org.qcal.onnx.proto.Onnx.NodeProto;
import org.qcal.quant.QuantParams;
import org.qcal.runtime.GraphOptLevel;
import org.qcal.runtime.ModelSource;
import org.qcal.runtime.OptimizedModelWriter;

/** Counting which quantized nodes ONNX Runtime runs with integer kernels. */
class KernelCensusTest {
  private static NodeProto node(String op, String name, List<String> in, List<String> out) {
    return NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(in).addAllOutput(out)
        .build();
  }

  @Test
  void aNodeOrtDidNotFuseIsLeftFloatAndAFusedOneIsNot() {
    GraphProto qdq = GraphProto.newBuilder()
        .addNode(node("DequantizeLinear", "dq_x", List.of("xq", "s", "z"), List.of("x")))
        .addNode(node("DequantizeLinear", "dq_w", List.of("wq", "s", "z"), List.of("w")))
        .addNode(node("Conv", "conv", List.of("x", "w"), List.of("y")))
        .addNode(node("QuantizeLinear", "q_y", List.of("y", "s", "z"), List.of("yq")))
        .addNode(node("DequantizeLinear", "dq_y", List.of("yq", "s", "z"), List.of("y2")))
        .addNode(node("ConvTranspose", "up", List.of("y2", "w"), List.of("u")))
        .addNode(node("Reshape", "flat", List.of("y2", "shape"), List.of("r")))
        .addNode(node("BatchNormalization", "bn", List.of("y2", "g", "b", "m", "v"),
            List.of("n")))
        .build();
    // What ORT makes of it: the Conv fused into QLinearConv writing the Q output, the
    // ConvTranspose kept as a float op writing its own output.
    GraphProto optimized = GraphProto.newBuilder()
        .addNode(node("QLinearConv", "fused", List.of("xq"), List.of("yq")))
        .addNode(node("DequantizeLinear", "dq_y", List.of("yq", "s", "z"), List.of("y2")))
        .addNode(node("ConvTranspose", "up", List.of("y2", "w"), List.of("u")))
        .build();

    KernelCensus census = KernelCensus.of(qdq, optimized);

    assertEquals(Map.of("QLinearConv", 1), census.int8Ops());
    assertEquals(2, census.quantizedNodes(), "Conv and ConvTranspose; Reshape only moves data"
        + " and qcal does not quantize BatchNormalization, which only reads a dequantized input");
    assertEquals(List.of("up (ConvTranspose)"), census.leftFloat());
    assertEquals("1 of 2 quantized nodes run int8 kernels in ONNX Runtime (QLinearConv 1);"
        + " left float: up (ConvTranspose)", census.summary());
  }

  @Test
  void theConvNetExportRunsEveryQuantizedNodeWithIntegerKernelsInOrt() throws Exception {
    OnnxModel model = TestGraphs.convNet().model("convnet.onnx");
    CalibrationPlan plan = GraphAnalyzer.analyze(model);
    float[] x = TestGraphs.convNetInput(4);
    Map<String, QuantParams> params = MinMaxParams.measure(model, plan, "input", x, 4, 1, 4, 4);
    QdqModel q = QdqExporter.export(model, plan, params, WeightQuantization.DEFAULT);
    byte[] optimized = OptimizedModelWriter.optimize(ModelSource.of("census", q.toByteArray()),
        GraphOptLevel.EXTENDED);

    KernelCensus census = KernelCensus.of(q.model().graph(),
        ModelProto.parseFrom(optimized).getGraph());

    long computeNodes = model.graph().getNodeList().stream()
        .filter(n -> n.getOpType().equals("Conv") || n.getOpType().equals("Gemm")).count();
    assertTrue(census.summary().startsWith(computeNodes + " of " + computeNodes
        + " quantized nodes run int8 kernels"), census.summary());
    assertTrue(census.leftFloat().isEmpty(), census.summary());
  }
}
