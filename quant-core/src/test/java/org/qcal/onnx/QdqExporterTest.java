package org.qcal.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.qcal.onnx.GraphBuilder.intAttr;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.qcal.ElementType;
import org.qcal.QcalException;
import org.qcal.onnx.proto.Onnx.GraphProto;
import org.qcal.onnx.proto.Onnx.NodeProto;
import org.qcal.onnx.proto.Onnx.TensorProto;
import org.qcal.quant.QuantParams;
import org.qcal.quant.QuantType;

class QdqExporterTest {
  /**
   * x [1,2] -> Gemm(W [2,2] transB=1, b [2]) -> y. Weight rows are output channels (axis 0):
   * row 0 [1.27, -0.6] has absmax 1.27, so scale 1.27/127 = 0.01 and q = [127, -60]; row 1
   * [0.3, 0.254] has scale 0.3/127 and q = [127, rint(0.254 * 127 / 0.3) = rint(107.53) = 108].
   */
  private static OnnxModel gemm(long opset) {
    return new GraphBuilder().opset(opset)
        .input("x", ElementType.FLOAT32, 1, 2).output("y", ElementType.FLOAT32, 1, 2)
        .floatInit("W", new float[] {1.27f, -0.6f, 0.3f, 0.254f}, 2, 2)
        .floatInit("b", new float[] {0.1f, -0.05f}, 2)
        .node("Gemm", "gemm", List.of("x", "W", "b"), List.of("y"), intAttr("transB", 1))
        .model("gemm.onnx");
  }

  private static final QuantParams X = QuantParams.of(0.02f, 128, QuantType.UINT8);
  private static final QuantParams Y = QuantParams.of(0.05f, 100, QuantType.UINT8);

  private static QdqModel exportGemm(long opset) {
    OnnxModel model = gemm(opset);
    return QdqExporter.export(model, GraphAnalyzer.analyze(model), Map.of("x", X, "y", Y),
        WeightQuantization.DEFAULT);
  }

  private static long count(GraphProto g, String op) {
    return g.getNodeList().stream().filter(n -> n.getOpType().equals(op)).count();
  }

  private static TensorProto init(GraphProto g, String name) {
    return g.getInitializerList().stream().filter(t -> t.getName().equals(name)).findFirst()
        .orElse(null);
  }

  private static NodeProto producer(GraphProto g, String tensor) {
    return g.getNodeList().stream().filter(n -> n.getOutputList().contains(tensor)).findFirst()
        .orElseThrow();
  }

  private static byte[] raw(TensorProto t) {
    return t.getRawData().toByteArray();
  }

  private static int[] int32s(TensorProto t) {
    ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    int[] v = new int[b.remaining() / 4];
    b.asIntBuffer().get(v);
    return v;
  }

  private static float[] floats(TensorProto t) {
    return TensorData.floats(t, "test");
  }

  @Test
  void gemmExportHasOneQdqPairPerActivationAndDqPerConstant() {
    GraphProto g = exportGemm(13).model().graph();

    assertEquals(2, count(g, "QuantizeLinear"));
    assertEquals(4, count(g, "DequantizeLinear"));
    assertEquals(1, count(g, "Gemm"));
    assertEquals(7, g.getNodeCount());
    NodeProto gemm = producer(g, "y_float");
    for (String in : gemm.getInputList()) {
      assertEquals("DequantizeLinear", producer(g, in).getOpType(), in);
    }
    assertEquals("DequantizeLinear", producer(g, "y").getOpType(),
        "the graph output keeps its name, now written by the DQ");
    assertEquals(1f, Attributes.getFloat(gemm, "beta", -1f), "beta written explicitly");
  }

  @Test
  void gemmWeightIsInt8PerChannelWithTheHandDerivedValues() {
    QdqModel q = exportGemm(13);
    GraphProto g = q.model().graph();

    TensorProto w = init(g, "W_quantized");
    assertEquals(ElementType.INT8.code(), w.getDataType());
    assertEquals(List.of(2L, 2L), w.getDimsList());
    assertArrayEquals(new byte[] {127, -60, 127, 108}, raw(w));
    assertArrayEquals(new float[] {1.27f / 127, 0.3f / 127}, floats(init(g, "W_scale")), 1e-9f);
    TensorProto zp = init(g, "W_zero_point");
    assertEquals(ElementType.INT8.code(), zp.getDataType());
    assertArrayEquals(new byte[] {0, 0}, raw(zp));
    assertEquals(0, Attributes.getInt(producer(g, "W_dequantized"), "axis", -1));
    assertNull(init(g, "W"), "the float weight is gone");
    assertEquals(q.weightParams().get("W").scale(0), floats(init(g, "W_scale"))[0]);
  }

  @Test
  void gemmBiasIsInt32WithScaleInputTimesWeight() {
    GraphProto g = exportGemm(13).model().graph();

    TensorProto b = init(g, "b_quantized");
    assertEquals(ElementType.INT32.code(), b.getDataType());
    // 0.1 / (0.02 * 0.01) = 500; -0.05 / (0.02 * 0.3 / 127) = -1058.3
    assertArrayEquals(new int[] {500, -1058}, int32s(b));
    assertArrayEquals(new float[] {0.02f * 0.01f, 0.02f * 0.3f / 127},
        floats(init(g, "b_scale")), 1e-10f);
    assertArrayEquals(new int[] {0, 0}, int32s(init(g, "b_zero_point")));
    assertNull(init(g, "b"));
  }

  @Test
  void activationParamsBecomeScalarInitializersOfTheActivationType() {
    GraphProto g = exportGemm(13).model().graph();

    TensorProto scale = init(g, "x_scale");
    assertEquals(List.of(), scale.getDimsList());
    assertArrayEquals(new float[] {0.02f}, floats(scale));
    TensorProto zp = init(g, "x_zero_point");
    assertEquals(ElementType.UINT8.code(), zp.getDataType());
    assertArrayEquals(new byte[] {(byte) 128}, raw(zp));
    assertArrayEquals(new byte[] {100}, raw(init(g, "y_zero_point")));
  }

  @Test
  void exportRunsInOnnxRuntimeAndMatchesTheIntegerArithmetic() {
    QdqModel q = exportGemm(13);

    float[] y = OrtSupport.run(q.toByteArray(), "x", new float[] {1f, -0.5f}, 1, 2).floats("y");

    // x quantizes exactly (1 = 50 * 0.02, -0.5 = -25 * 0.02). With the quantized weights
    // [1.27, -0.6], [0.3, 108 * 0.3 / 127 = 0.25512] and biases 500 * 0.0002 = 0.1,
    // -1058 * 0.02 * 0.3 / 127 = -0.049984: y = [1.67, 0.12246], on y's grid of 0.05 (zero
    // point 100): rint(33.4) = 33 and rint(2.449) = 2 steps, i.e. [1.65, 0.1].
    assertArrayEquals(new float[] {1.65f, 0.1f}, y, 1e-6f);
  }

  @Test
  void opsetElevenIsRaisedToThirteenForPerChannelWeights() {
    QdqModel q = exportGemm(11);

    assertEquals(13, q.model().onnxOpset());
    assertTrue(q.model().proto().getIrVersion() >= 7);
    assertEquals(1, q.notes().size());
    assertTrue(q.notes().get(0).contains("from 11 to 13"), q.notes().get(0));
    OrtSupport.run(q.toByteArray(), "x", new float[] {1f, -0.5f}, 1, 2);
  }

  @Test
  void opsetNineIsRaisedToThirteenEvenForPerTensorWeights() {
    OnnxModel model = gemm(9);
    QdqModel q = QdqExporter.export(model, GraphAnalyzer.analyze(model), Map.of("x", X, "y", Y),
        new WeightQuantization(QuantType.INT8, false, true, false));

    assertEquals(13, q.model().onnxOpset(), "QuantizeLinear needs opset 10");
    assertEquals(List.of("raised the ONNX opset from 9 to 13 for QuantizeLinear/DequantizeLinear"),
        q.notes());
    OrtSupport.run(q.toByteArray(), "x", new float[] {1f, -0.5f}, 1, 2);
  }

  private static QdqModel exportPerChannel(OnnxModel model, Map<String, QuantParams> params) {
    return QdqExporter.export(model, GraphAnalyzer.analyze(model), params,
        WeightQuantization.DEFAULT);
  }

  /** x -> Gemm(W) -> y at opset 11, for a node reading y to produce the output p. */
  private static GraphBuilder gemmAtOpset11() {
    return new GraphBuilder().opset(11)
        .input("x", ElementType.FLOAT32, 1, 2).output("p", ElementType.FLOAT32, 1, 2)
        .floatInit("W", new float[] {1.27f, -0.6f, 0.3f, 0.254f}, 2, 2)
        .node("Gemm", "gemm", List.of("x", "W"), List.of("y"), intAttr("transB", 1));
  }

  @Test
  void opsetElevenSoftmaxIsConvertedForPerChannelWeights() {
    OnnxModel model = gemmAtOpset11()
        .node("Softmax", "softmax", List.of("y"), List.of("p"), intAttr("axis", 1))
        .model("softmax11.onnx");
    Map<String, QuantParams> params = Map.of("x", X, "y", Y,
        "p", QuantParams.of(1f / 255, 0, QuantType.UINT8));

    QdqModel q = exportPerChannel(model, params);

    assertEquals(13, q.model().onnxOpset());
    assertEquals(List.of("raised the ONNX opset from 11 to 13 for per-channel weights,"
        + " converting {Softmax=1}"), q.notes().stream().filter(n -> n.startsWith("raised"))
        .toList());
    assertEquals(List.of(2L), init(q.model().graph(), "W_scale").getDimsList());
    OrtSupport.run(q.toByteArray(), "x", new float[] {1f, -0.5f}, 1, 2);
  }

  @Test
  void aSoftmaxFlattenedByTheUpgradeIsStillFusedByOnnxRuntime() {
    OnnxModel model = new GraphBuilder().opset(11)
        .input("x", ElementType.FLOAT32, 1, 4, 2, 2).output("p", ElementType.FLOAT32)
        .floatInit("W", GraphBuilder.values(16, 5, 1f), 4, 4, 1, 1)
        .node("Conv", "conv", List.of("x", "W"), List.of("c"))
        .node("Softmax", "softmax", List.of("c"), List.of("p"), intAttr("axis", 1))
        .model("softmax4d.onnx");
    Map<String, QuantParams> params = Map.of("x", X, "c", Y,
        "p", QuantParams.of(1f / 256, 0, QuantType.UINT8));

    QdqModel q = exportPerChannel(model, params);

    List<String> ops = q.model().graph().getNodeList().stream().map(NodeProto::getOpType)
        .toList();
    assertEquals(List.of("Conv", "QuantizeLinear", "DequantizeLinear", "Flatten",
        "QuantizeLinear", "DequantizeLinear", "Softmax", "QuantizeLinear", "DequantizeLinear",
        "Shape", "Reshape", "QuantizeLinear", "DequantizeLinear"),
        ops.subList(ops.indexOf("Conv"), ops.size()), "Q/DQ on the 2-D aliases too");
    List<String> optimized = OrtSupport.optimizedOpTypes(q.toByteArray());
    assertTrue(optimized.contains("QLinearSoftmax"), optimized.toString());
    assertTrue(optimized.contains("QLinearConv"), optimized.toString());
  }

  @Test
  void aNodeThatCannotBeConvertedGivesTensorWeightsWithANote() {
    // Resize-11's tf_half_pixel_for_nn has no opset-13 form (removed there).
    OnnxModel model = gemmAtOpset11()
        .floatInit("roi", new float[0], 0).floatInit("scales", new float[] {1f, 1f}, 2)
        .node("Resize", "resize", List.of("y", "roi", "scales"), List.of("p"),
            Attributes.ofString("coordinate_transformation_mode", "tf_half_pixel_for_nn"))
        .model("resize11.onnx");
    Map<String, QuantParams> params = Map.of("x", X, "y", Y);

    QdqModel q = exportPerChannel(model, params);
    GraphProto g = q.model().graph();

    assertEquals(11, q.model().onnxOpset());
    assertEquals(List.of("weights quantized per tensor: per-channel needs ONNX opset 13, and"
        + " model resize11.onnx (opset 11) cannot be raised to it: node 'resize' (Resize, opset"
        + " 11): coordinate_transformation_mode tf_half_pixel_for_nn was removed at opset 13"),
        q.notes());
    assertEquals(List.of(), init(g, "W_scale").getDimsList());
    assertArrayEquals(new float[] {1.27f / 127}, floats(init(g, "W_scale")), 1e-9f);
    assertFalse(producer(g, "W_dequantized").getAttributeList().stream()
        .anyMatch(a -> a.getName().equals("axis")));
    OrtSupport.run(q.toByteArray(), "x", new float[] {1f, -0.5f}, 1, 2);
  }

  @Test
  void excludedNodesStayFloat() {
    OnnxModel model = TestGraphs.convNet().model("convnet.onnx");
    CalibrationPlan plan = GraphAnalyzer.analyze(model,
        NodeSelection.ALL.excludeNodes(List.of("fc")), true);
    Map<String, QuantParams> params = new HashMap<>();
    params.put("input", QuantParams.of(1f / 255, 0, QuantType.UINT8));
    params.put("pool_out", QuantParams.of(0.01f, 0, QuantType.UINT8));

    GraphProto g = QdqExporter.export(model, plan, params, WeightQuantization.DEFAULT)
        .model().graph();

    NodeProto fc = producer(g, "logits");
    assertEquals("Gemm", fc.getOpType());
    assertEquals("fcW", fc.getInput(1));
    assertEquals("fcB", fc.getInput(2));
    assertNotNull(init(g, "fcW"));
    assertEquals(ElementType.FLOAT32.code(), init(g, "fcW").getDataType());
    assertNotNull(init(g, "W_quantized"), "the Conv is still quantized");
  }

  @Test
  void convNetExportRunsCloseToFloat() {
    OnnxModel model = TestGraphs.convNet().model("convnet.onnx");
    CalibrationPlan plan = GraphAnalyzer.analyze(model);
    float[] x = TestGraphs.convNetInput(4);
    float[] ref = OrtSupport.run(model.toByteArray(), "input", x, 4, 1, 4, 4).floats("logits");
    Map<String, QuantParams> params = MinMaxParams.measure(model, plan, "input", x, 4, 1, 4, 4);

    QdqModel q = QdqExporter.export(model, plan, params, WeightQuantization.DEFAULT);
    float[] y = OrtSupport.run(q.toByteArray(), "input", x, 4, 1, 4, 4).floats("logits");

    assertArrayEquals(ref, y, 0.05f);
    assertTrue(q.notes().isEmpty(), q.notes().toString());
  }

  @Test
  void missingActivationParamsAreReportedByTensor() {
    OnnxModel model = gemm(13);
    QcalException e = assertThrows(QcalException.class, () -> QdqExporter.export(model,
        GraphAnalyzer.analyze(model), Map.of("x", X), WeightQuantization.DEFAULT));
    assertTrue(e.getMessage().contains("'y'") && e.getMessage().contains("gemm.onnx"),
        e.getMessage());
  }

  @Test
  void perChannelActivationParamsAreRefused() {
    OnnxModel model = gemm(13);
    QuantParams perChannel = QuantParams.perChannel(new float[] {1, 1}, new int[] {0, 0}, 1,
        QuantType.UINT8);
    assertThrows(QcalException.class, () -> QdqExporter.export(model,
        GraphAnalyzer.analyze(model), Map.of("x", perChannel, "y", Y),
        WeightQuantization.DEFAULT));
  }

  @Test
  void fourBitActivationsAreRefusedNamingTheWrittenTypes() {
    OnnxModel model = gemm(21);
    QuantParams narrow = QuantParams.of(0.1f, 0, QuantType.INT4);
    QcalException e = assertThrows(QcalException.class, () -> QdqExporter.export(model,
        GraphAnalyzer.analyze(model), Map.of("x", narrow, "y", narrow),
        WeightQuantization.DEFAULT));
    assertTrue(e.getMessage().endsWith("must be quantized to one of [uint8, int8, uint16, int16],"
        + " got int4"), e.getMessage());
  }

  /**
   * uint16 asymmetric over [-1, 1] (docs/DESIGN.md's rule): scale = 2 / (65535 - 0), zero point
   * = rint(0 - (-1) / scale) = rint(32767.5) = 32768 (half to even); over [-2, 2] the scale is
   * 4 / 65535 with the same zero point.
   */
  private static final QuantParams X16 = QuantParams.fromRange(-1, 1, QuantType.UINT16,
      org.qcal.quant.QuantRule.ASYMMETRIC);
  private static final QuantParams Y16 = QuantParams.fromRange(-2, 2, QuantType.UINT16,
      org.qcal.quant.QuantRule.ASYMMETRIC);

  @Test
  void sixteenBitParamsOfAKnownRangeAreHandDerived() {
    assertEquals((float) (2.0 / 65535), X16.scale());
    assertEquals(32768, X16.zeroPoint());
    assertEquals((float) (4.0 / 65535), Y16.scale());
    assertEquals(32768, Y16.zeroPoint());
  }

  @Test
  void sixteenBitActivationsBelowOpset21UseTheContribDomainAndRunInOnnxRuntime() {
    OnnxModel model = gemm(13);
    QdqModel q = QdqExporter.export(model, GraphAnalyzer.analyze(model),
        Map.of("x", X16, "y", Y16), WeightQuantization.DEFAULT);
    GraphProto g = q.model().graph();

    assertEquals(13, q.model().onnxOpset());
    assertEquals(1, q.model().opsetVersion("com.microsoft"));
    for (String t : List.of("x_quantized", "y")) {
      assertEquals("com.microsoft", producer(g, t).getDomain(), t);
    }
    assertEquals("", producer(g, "W_dequantized").getDomain(), "8-bit weights stay in ONNX's");
    TensorProto zp = init(g, "x_zero_point");
    assertEquals(ElementType.UINT16.code(), zp.getDataType());
    assertArrayEquals(new byte[] {0, (byte) 0x80}, raw(zp), "32768, little endian");

    float[] x = {0.5f, -0.25f};
    float[] y = OrtSupport.run(q.toByteArray(), "x", x, 1, 2).floats("y");
    // The int8 weights and int32 biases of gemmWeightIsInt8PerChannelWithTheHandDerivedValues
    // and gemmBiasIsInt32WithScaleInputTimesWeight, applied to the float x:
    float[] exact = {
        1.27f * 0.5f - 0.6f * -0.25f + 0.1f,
        0.3f * 0.5f + 108 * 0.3f / 127 * -0.25f + (-1058) * (0.02f * 0.3f / 127)};
    for (int i = 0; i < 2; i++) {
      // x's rounding moves y by at most |W row|_1 * scale_x / 2 (1.87 * 1.53e-5 = 2.9e-5) and
      // y's own rounding by scale_y / 2 (3.05e-5): within one 16-bit step of y (6.1e-5).
      assertEquals(exact[i], y[i], Y16.scale(), "y[" + i + "]");
    }
    assertTrue(q.notes().stream().anyMatch(n -> n.contains("com.microsoft")), q.notes()::toString);
  }

  @Test
  void sixteenBitActivationsAtOpset21StayInTheOnnxDomain() {
    OnnxModel model = gemm(21);
    GraphProto g = QdqExporter.export(model, GraphAnalyzer.analyze(model),
        Map.of("x", X16, "y", Y16), WeightQuantization.DEFAULT).model().graph();

    assertEquals("", producer(g, "x_quantized").getDomain());
    assertEquals(-1, QdqExporter.export(model, GraphAnalyzer.analyze(model),
        Map.of("x", X16, "y", Y16), WeightQuantization.DEFAULT).model()
        .opsetVersion("com.microsoft"));
  }

  /** x [2,3,4] @ W [4,5] + b -> Relu: a transformer-style projection on 3-D activations. */
  private static OnnxModel projection3d() {
    return new GraphBuilder()
        .input("x", ElementType.FLOAT32, 2, 3, 4).output("r", ElementType.FLOAT32, 2, 3, 5)
        .floatInit("W", GraphBuilder.values(20, 1, 1f), 4, 5)
        .floatInit("b", new float[] {-0.5f, 0f, 0.25f, 0.5f, 1.5f}, 5)
        .node("MatMul", "mm", List.of("x", "W"), List.of("h"))
        .node("Add", "add", List.of("h", "b"), List.of("a"))
        .node("Relu", "relu", List.of("a"), List.of("r"))
        .model("projection.onnx");
  }

  @Test
  void constantAddOperandIsQuantizedToTheActivationType() {
    OnnxModel model = projection3d();
    CalibrationPlan plan = GraphAnalyzer.analyze(model);
    Map<String, QuantParams> params = Map.of("x", X, "h", Y,
        "r", QuantParams.of(0.1f, 0, QuantType.UINT8));

    QdqModel q = QdqExporter.export(model, plan, params, WeightQuantization.DEFAULT);
    GraphProto g = q.model().graph();

    // b spans [-0.5, 1.5]: uint8 asymmetric scale 2/255, zero point rint(0.5 * 127.5) = 64.
    QuantParams b = q.weightParams().get("b");
    assertEquals(QuantType.UINT8, b.type());
    assertEquals(2f / 255, b.scale(), 1e-9f);
    assertEquals(64, b.zeroPoint());
    TensorProto bq = init(g, "b_quantized");
    assertEquals(ElementType.UINT8.code(), bq.getDataType());
    assertArrayEquals(new byte[] {0, 64, 96, (byte) 128, (byte) 255}, raw(bq));
    assertEquals("DequantizeLinear", producer(g, producer(g, "a").getInput(1)).getOpType());
  }

  @Test
  void projectionOnThreeDimensionalActivationsRunsWithIntegerKernels() {
    OnnxModel model = projection3d();
    CalibrationPlan plan = GraphAnalyzer.analyze(model);
    float[] x = GraphBuilder.values(24, 3, 1f);
    Map<String, QuantParams> params = MinMaxParams.measure(model, plan, "x", x, 2, 3, 4);

    QdqModel q = QdqExporter.export(model, plan, params, WeightQuantization.DEFAULT);
    List<String> ops = OrtSupport.optimizedOpTypes(q.toByteArray());
    float[] ref = OrtSupport.run(model.toByteArray(), "x", x, 2, 3, 4).floats("r");
    float[] y = OrtSupport.run(q.toByteArray(), "x", x, 2, 3, 4).floats("r");

    assertTrue(ops.contains("QLinearMatMul") && ops.contains("QLinearAdd"), ops.toString());
    assertFalse(ops.contains("MatMul") || ops.contains("Add") || ops.contains("Gemm"),
        ops.toString());
    assertArrayEquals(ref, y, 0.05f);
  }

  /**
   * x [2, 4] -> Softmax -> p. The calibrated range of p (its max here is under 0.5) would give a
   * finer scale than 1/256; ONNX Runtime's QLinearSoftmax only computes right on the 1/256 grid,
   * so the export uses it, and the int8 model's probabilities are within one step of float's.
   */
  @Test
  void softmaxOutputsUseOnnxRuntimesFixedGrid() {
    OnnxModel model = new GraphBuilder().opset(13)
        .input("x", ElementType.FLOAT32, 2, 4).output("p", ElementType.FLOAT32, 2, 4)
        .node("Softmax", "softmax", List.of("x"), List.of("p"), intAttr("axis", -1))
        .model("softmax.onnx");
    CalibrationPlan plan = GraphAnalyzer.analyze(model);
    float[] x = {0.1f, 0.4f, -0.3f, 0.2f, 1.0f, 0.9f, 1.1f, 0.95f};
    Map<String, QuantParams> params = MinMaxParams.measure(model, plan, "x", x, 2, 4);
    assertTrue(params.get("p").scale() < 1f / 256, "the calibrated scale is finer");

    QdqModel q = QdqExporter.export(model, plan, params, WeightQuantization.DEFAULT);
    GraphProto g = q.model().graph();
    String softmaxOut = g.getNodeList().stream().filter(n -> n.getOpType().equals("Softmax"))
        .findFirst().orElseThrow().getOutput(0);
    NodeProto quantize = g.getNodeList().stream()
        .filter(n -> n.getOpType().equals("QuantizeLinear") && n.getInput(0).equals(softmaxOut))
        .findFirst().orElseThrow();
    assertArrayEquals(new float[] {1f / 256}, floats(init(g, quantize.getInput(1))));
    assertTrue(q.notes().stream().anyMatch(n -> n.startsWith("Softmax output 'p'")),
        q.notes().toString());
    float[] ref = OrtSupport.run(model.toByteArray(), "x", x, 2, 4).floats("p");
    float[] y = OrtSupport.run(q.toByteArray(), "x", x, 2, 4).floats("p");
    assertArrayEquals(ref, y, 1f / 256 + 1e-6f);
  }
}
