package org.qcal.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.qcal.onnx.GraphBuilder.floatAttr;
import static org.qcal.onnx.GraphBuilder.intAttr;
import static org.qcal.onnx.GraphBuilder.intsAttr;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.qcal.ElementType;
import org.qcal.onnx.proto.Onnx.AttributeProto;
import org.qcal.onnx.proto.Onnx.GraphProto;
import org.qcal.onnx.proto.Onnx.ModelProto;
import org.qcal.onnx.proto.Onnx.NodeProto;

/**
 * Each conversion of {@link OpsetUpgrade} on hand-built nodes, checked against ONNX Runtime: the
 * model at its old opset and the model raised to 13 run on the same seeded input and must give
 * the same outputs. The raised model runs the same kernels on the same values (a Softmax on the
 * rows the old Softmax formed itself, a Resize with the coordinate rule the old one used), so
 * the outputs are expected bit for bit; {@link #TOLERANCE} allows only float rounding noise.
 */
class OpsetConversionsTest {
  /** Far below any real change (a wrong axis or rounding moves values by 1e-2 and more). */
  private static final double TOLERANCE = 1e-6;

  private static ModelProto model(long opset, long[] shape, NodeProto... nodes) {
    return model(opset, shape, List.of("y"), nodes);
  }

  private static ModelProto model(long opset, long[] shape, List<String> outputs,
      NodeProto... nodes) {
    GraphBuilder g = new GraphBuilder().opset(opset).irVersion(opset < 9 ? 3 : 5)
        .input("x", ElementType.FLOAT32, shape);
    for (String out : outputs) {
      g.output(out, out.equals("indices") ? ElementType.INT64 : ElementType.FLOAT32);
    }
    for (NodeProto n : nodes) {
      g.graph().addNode(n);
    }
    return g.build();
  }

  private static NodeProto node(String op, List<String> in, List<String> out,
      AttributeProto... attributes) {
    NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(op.toLowerCase())
        .addAllInput(in).addAllOutput(out);
    for (AttributeProto a : attributes) {
      n.addAttribute(a);
    }
    return n.build();
  }

  private static NodeProto node(String op, AttributeProto... attributes) {
    return node(op, List.of("x"), List.of("y"), attributes);
  }

  private static AttributeProto string(String name, String value) {
    return Attributes.ofString(name, value);
  }

  private static AttributeProto floats(String name, float... values) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name)
        .setType(AttributeProto.AttributeType.FLOATS);
    for (float v : values) {
      a.addFloats(v);
    }
    return a.build();
  }

  /** Upgrades, runs both and checks the outputs agree; returns the upgraded model. */
  private static ModelProto agree(String what, ModelProto model, long... shape) {
    int n = 1;
    for (long d : shape) {
      n *= (int) d;
    }
    float[] x = GraphBuilder.values(n, 17, 3f);
    OpsetAgreement.Result r = OpsetAgreement.check(model, "x", x, shape);
    System.out.println("opset conversion " + what + ": max abs diff " + r.maxAbsDiff());
    assertTrue(r.maxAbsDiff() <= TOLERANCE, what + ": " + r.maxAbsDiff());
    return r.upgrade().model();
  }

  private static List<String> ops(ModelProto m) {
    return ops(m.getGraph());
  }

  private static List<String> ops(GraphProto g) {
    List<String> ops = new ArrayList<>();
    g.getNodeList().forEach(n -> ops.add(n.getOpType()));
    return ops;
  }

  @Test
  void softmaxFamilyOverANonLastAxisKeepsItsTwoDimensionalMeaning() {
    long[] shape = {2, 3, 4, 5};
    ModelProto up = agree("Softmax-11 axis 1 of 4-D",
        model(11, shape, node("Softmax", intAttr("axis", 1))), shape);
    assertEquals(List.of("Flatten", "Softmax", "Shape", "Reshape"), ops(up));
    agree("Softmax-9 default axis of 4-D", model(9, shape, node("Softmax")), shape);
    agree("LogSoftmax-9 axis 2 of 4-D",
        model(9, shape, node("LogSoftmax", intAttr("axis", 2))), shape);
    agree("Hardmax-11 axis 0 of 4-D", model(11, shape, node("Hardmax", intAttr("axis", 0))),
        shape);
    agree("LogSoftmax-11 axis -2 of 4-D",
        model(11, shape, node("LogSoftmax", intAttr("axis", -2))), shape);
  }

  @Test
  void softmaxOverTheLastAxisOnlyGetsItsAxisWrittenOut() {
    long[] shape = {2, 3, 4};
    ModelProto up = agree("Softmax-7 axis 2 of 3-D",
        model(7, shape, node("Softmax", intAttr("axis", 2))), shape);
    assertEquals(List.of("Softmax"), ops(up));
    assertEquals(2, Attributes.getInt(up.getGraph().getNode(0), "axis", 99));
    up = agree("LogSoftmax-11 axis -1 of unknown rank", model(11, shape,
        node("Softplus", List.of("x"), List.of("s")),
        node("LogSoftmax", List.of("s"), List.of("y"), intAttr("axis", -1))), shape);
    assertEquals(List.of("Softplus", "LogSoftmax"), ops(up));
  }

  @Test
  void softmaxOfUnknownRankIsFlattened() {
    long[] shape = {2, 3, 4};
    ModelProto up = agree("Softmax-9 axis 2 of unknown rank", model(9, shape,
        node("Softplus", List.of("x"), List.of("s")),
        node("Softmax", List.of("s"), List.of("y"), intAttr("axis", 2))), shape);
    assertEquals(List.of("Softplus", "Flatten", "Softmax", "Shape", "Reshape"), ops(up));
  }

  @Test
  void squeezeAndUnsqueezeTakeTheirAxesAsAnInput() {
    long[] shape = {2, 1, 3, 1};
    agree("Squeeze-7 axes [1, 3]", model(7, shape, node("Squeeze", intsAttr("axes", 1, 3))),
        shape);
    agree("Squeeze-11 without axes", model(11, shape, node("Squeeze")), shape);
    agree("Squeeze-11 axes [-1]", model(11, shape, node("Squeeze", intsAttr("axes", -1))),
        shape);
    ModelProto up = agree("Unsqueeze-9 axes [0, 3]",
        model(9, shape, node("Unsqueeze", intsAttr("axes", 0, 3))), shape);
    assertEquals(2, up.getGraph().getNode(0).getInputCount());
    agree("Unsqueeze-11 axes [-1]", model(11, shape, node("Unsqueeze", intsAttr("axes", -1))),
        shape);
  }

  @Test
  void splitTakesItsSizesAsAnInput() {
    long[] shape = {2, 6, 3};
    List<String> outs = List.of("a", "b");
    agree("Split-7 split [2, 4] axis 1", model(7, shape, outs,
        node("Split", List.of("x"), outs, intAttr("axis", 1), intsAttr("split", 2, 4))), shape);
    agree("Split-11 equal halves axis -2", model(11, shape, outs,
        node("Split", List.of("x"), outs, intAttr("axis", -2))), shape);
  }

  @Test
  void reduceSumTakesItsAxesAsAnInput() {
    long[] shape = {2, 3, 4};
    agree("ReduceSum-9 axes [1, 2]",
        model(9, shape, node("ReduceSum", intsAttr("axes", 1, 2))), shape);
    agree("ReduceSum-11 axes [-1] keepdims 0", model(11, shape,
        node("ReduceSum", intsAttr("axes", -1), intAttr("keepdims", 0))), shape);
    agree("ReduceSum-7 all axes", model(7, shape, node("ReduceSum", intAttr("keepdims", 0))),
        shape);
  }

  @Test
  void sliceTakesItsBoundsAsInputs() {
    long[] shape = {2, 5, 6};
    agree("Slice-9 axes [1, 2]", model(9, shape, node("Slice", intsAttr("starts", 1, -4),
        intsAttr("ends", Long.MAX_VALUE, -1), intsAttr("axes", 1, 2))), shape);
    agree("Slice-7 without axes", model(7, shape, node("Slice", intsAttr("starts", 0, 1, 2),
        intsAttr("ends", 1, 100, 4))), shape);
  }

  @Test
  void topKTakesKAsAnInput() {
    long[] shape = {2, 6};
    List<String> outs = List.of("y", "indices");
    agree("TopK-9 k 3", model(9, shape, outs,
        node("TopK", List.of("x"), outs, intAttr("k", 3))), shape);
  }

  @Test
  void clipTakesItsBoundsAsInputs() {
    long[] shape = {2, 8};
    agree("Clip-9 min -1 max 6", model(9, shape,
        node("Clip", floatAttr("min", -1f), floatAttr("max", 6f))), shape);
    ModelProto up = agree("Clip-10 max only", model(10, shape,
        node("Clip", floatAttr("max", 0.5f))), shape);
    assertEquals(List.of("x", "", "y_max"), up.getGraph().getNode(0).getInputList());
    agree("Clip-7 min only", model(7, shape, node("Clip", floatAttr("min", 0f))), shape);
    agree("Clip-8 no bounds", model(8, shape, node("Clip")), shape);
  }

  @Test
  void padTakesItsPadsAndValueAsInputs() {
    long[] shape = {1, 2, 4, 5};
    agree("Pad-9 constant 1.5", model(9, shape, node("Pad",
        intsAttr("pads", 0, 0, 1, 2, 0, 0, 2, 1), floatAttr("value", 1.5f))), shape);
    agree("Pad-10 constant 0", model(10, shape, node("Pad",
        intsAttr("pads", 0, 1, 0, 0, 0, 0, 0, 3))), shape);
    agree("Pad-7 reflect", model(7, shape, node("Pad", string("mode", "reflect"),
        intsAttr("pads", 0, 0, 2, 1, 0, 0, 1, 2), floatAttr("value", 9f))), shape);
    agree("Pad-10 edge", model(10, shape, node("Pad", string("mode", "edge"),
        intsAttr("pads", 0, 0, 3, 0, 0, 0, 0, 3))), shape);
  }

  @Test
  void inferenceDropoutBecomesIdentity() {
    long[] shape = {2, 5};
    ModelProto up = agree("Dropout-7 mask unread", model(7, shape,
        node("Dropout", List.of("x"), List.of("y", "mask"), floatAttr("ratio", 0.3f))), shape);
    assertEquals(List.of("Identity"), ops(up));
    agree("Dropout-10 without mask", model(10, shape, node("Dropout", floatAttr("ratio", 0.5f))),
        shape);
  }

  /** Why InferenceDropout refuses a Dropout below 12 whose mask is read. */
  @Test
  void onnxRuntimesInferenceMaskIsAllFalseBeforeOpset12AndAllTrueFrom12() {
    for (long opset : new long[] {10, 12}) {
      ModelProto m = model(opset, new long[] {1, 3}, List.of("y", "m"),
          node("Dropout", List.of("x"), List.of("y", "mask")),
          node("Cast", List.of("mask"), List.of("m"), intAttr("to", ElementType.FLOAT32.code())));
      float[] mask = OrtSupport.run(m.toByteArray(), "x", new float[] {1, 2, 3}, 1, 3)
          .floats("m");
      float expected = opset < 12 ? 0f : 1f;
      assertEquals(List.of(expected, expected, expected),
          List.of(mask[0], mask[1], mask[2]), "opset " + opset);
    }
  }

  @Test
  void upsampleBecomesAnAsymmetricResize() {
    long[] shape = {1, 2, 3, 4};
    agree("Upsample-7 nearest x2", model(7, shape, node("Upsample",
        floats("scales", 1, 1, 2, 2))), shape);
    agree("Upsample-8 linear x2 x3", model(8, shape, node("Upsample",
        string("mode", "linear"), floats("scales", 1, 1, 2, 3))), shape);
    agree("Upsample-7 nearest x1.5 x2.5", model(7, shape, node("Upsample",
        floats("scales", 1, 1, 1.5f, 2.5f))), shape);
    ModelProto scales = withScales(model(9, shape, node("Upsample", List.of("x", "scales"),
        List.of("y"), string("mode", "linear"))), 1, 1, 2.5f, 1.5f);
    agree("Upsample-9 linear x2.5 x1.5", scales, shape);
    agree("Upsample-9 nearest, scales from a Concat", upsampleOfConcat(shape), shape);
  }

  @Test
  void resize10RoundsDownWhenEnlargingAndUpWhenShrinking() {
    long[] shape = {1, 2, 10, 10};
    ModelProto up = agree("Resize-10 nearest x0.6", withScales(model(10, shape, node("Resize",
        List.of("x", "scales"), List.of("y"))), 1, 1, 0.6f, 0.6f), shape);
    assertEquals("ceil", Attributes.getString(up.getGraph().getNode(0), "nearest_mode", ""));
    up = agree("Resize-10 nearest x1.7", withScales(model(10, shape, node("Resize",
        List.of("x", "scales"), List.of("y"))), 1, 1, 1.7f, 1.7f), shape);
    assertEquals("floor", Attributes.getString(up.getGraph().getNode(0), "nearest_mode", ""));
    agree("Resize-10 linear x0.6 x1.3", withScales(model(10, shape, node("Resize",
        List.of("x", "scales"), List.of("y"), string("mode", "linear"))), 1, 1, 0.6f, 1.3f),
        shape);
  }

  @Test
  void resize11WithSizesLosesItsEmptyScales() {
    long[] shape = {1, 2, 4, 4};
    GraphBuilder g = new GraphBuilder().opset(11).irVersion(6)
        .input("x", ElementType.FLOAT32, shape).output("y", ElementType.FLOAT32)
        .floatInit("roi", new float[0], 0).floatInit("scales", new float[0], 0)
        .int64Init("sizes", new long[] {1, 2, 7, 3}, 4);
    g.graph().addNode(node("Resize", List.of("x", "roi", "scales", "sizes"), List.of("y"),
        string("mode", "linear"), string("coordinate_transformation_mode", "pytorch_half_pixel")));
    ModelProto up = agree("Resize-11 sizes, linear, pytorch_half_pixel", g.build(), shape);
    assertEquals(List.of("x", "roi", "", "sizes"), up.getGraph().getNode(0).getInputList());
    GraphBuilder scaled = new GraphBuilder().opset(11).irVersion(6)
        .input("x", ElementType.FLOAT32, shape).output("y", ElementType.FLOAT32)
        .floatInit("roi", new float[0], 0).floatInit("scales", new float[] {1, 1, 1.5f, 2}, 4);
    scaled.graph().addNode(node("Resize", List.of("x", "roi", "scales"), List.of("y"),
        string("mode", "nearest"), string("coordinate_transformation_mode", "half_pixel")));
    up = agree("Resize-11 scales, nearest, half_pixel", scaled.build(), shape);
    assertEquals(List.of("x", "roi", "scales"), up.getGraph().getNode(0).getInputList());
  }

  @Test
  void batchNormalization7LosesSpatial() {
    long[] shape = {2, 3, 2, 2};
    // IR version 3, as torch writes at opset 7: initializers are graph inputs too.
    GraphBuilder g = new GraphBuilder().opset(7).irVersion(3)
        .input("x", ElementType.FLOAT32, shape).output("y", ElementType.FLOAT32)
        .input("scale", ElementType.FLOAT32, 3).input("bias", ElementType.FLOAT32, 3)
        .input("mean", ElementType.FLOAT32, 3).input("var", ElementType.FLOAT32, 3)
        .floatInit("scale", new float[] {1f, 2f, 0.5f}, 3)
        .floatInit("bias", new float[] {0f, -1f, 1f}, 3)
        .floatInit("mean", new float[] {0.5f, 0f, -0.2f}, 3)
        .floatInit("var", new float[] {1f, 4f, 0.25f}, 3);
    g.graph().addNode(node("BatchNormalization", List.of("x", "scale", "bias", "mean", "var"),
        List.of("y"), intAttr("spatial", 1), floatAttr("epsilon", 1e-3f)));
    ModelProto up = agree("BatchNormalization-7 spatial 1", g.build(), shape);
    assertEquals(null, Attributes.find(up.getGraph().getNode(0), "spatial"));
  }

  @Test
  void opsWhoseOldDefinitionsAgreeAreCopiedAndStillAgree() {
    long[] image = {1, 2, 5, 5};
    agree("MaxPool-1 at opset 7", model(7, image, node("MaxPool",
        intsAttr("kernel_shape", 2, 2), intsAttr("strides", 2, 2))), image);
    agree("AveragePool-7 count_include_pad at opset 9", model(9, image, node("AveragePool",
        intsAttr("kernel_shape", 3, 3), intsAttr("pads", 1, 1, 1, 1),
        intAttr("count_include_pad", 1))), image);
    agree("Max-6 at opset 7", model(7, image, node("Softplus", List.of("x"), List.of("s")),
        node("Max", List.of("x", "s"), List.of("y"))), image);
    GraphBuilder g = new GraphBuilder().opset(9).irVersion(4)
        .input("x", ElementType.FLOAT32, image).output("y", ElementType.FLOAT32)
        .floatInit("w", GraphBuilder.values(2 * 2 * 3 * 3, 3, 1f), 2, 2, 3, 3);
    g.graph().addNode(node("Conv", List.of("x", "w"), List.of("y"),
        string("auto_pad", "SAME_UPPER"), intsAttr("strides", 2, 2)));
    agree("Conv-1 SAME_UPPER stride 2 at opset 9", g.build(), image);
    GraphBuilder gather = new GraphBuilder().opset(9).irVersion(4)
        .input("x", ElementType.FLOAT32, image).output("y", ElementType.FLOAT32)
        .int64Init("i", new long[] {-1, 0}, 2);
    gather.graph().addNode(node("Gather", List.of("x", "i"), List.of("y"), intAttr("axis", 2)));
    agree("Gather-1 negative index at opset 9", gather.build(), image);
  }

  @Test
  void nodesInsideSubgraphsAreConvertedToo() {
    long[] shape = {2, 1, 3};
    GraphProto thenBranch = branch("then", node("Squeeze", List.of("x"), List.of("then_y"),
        intsAttr("axes", 1)));
    GraphProto elseBranch = branch("else", node("Softmax", List.of("x"), List.of("else_s"),
        intAttr("axis", 1)), node("Squeeze", List.of("else_s"), List.of("else_y"),
        intsAttr("axes", 1)));
    GraphBuilder g = new GraphBuilder().opset(11).irVersion(6)
        .input("x", ElementType.FLOAT32, shape).output("y", ElementType.FLOAT32)
        .floatInit("zero", new float[] {0f});
    g.graph().addNode(node("ReduceSum", List.of("x"), List.of("sum"), intAttr("keepdims", 0)));
    g.graph().addNode(node("Greater", List.of("sum", "zero"), List.of("positive")));
    g.graph().addNode(node("If", List.of("positive"), List.of("y"),
        AttributeProto.newBuilder().setName("then_branch")
            .setType(AttributeProto.AttributeType.GRAPH).setG(thenBranch).build(),
        AttributeProto.newBuilder().setName("else_branch")
            .setType(AttributeProto.AttributeType.GRAPH).setG(elseBranch).build()));
    ModelProto up = agree("If-11 with Squeeze-11 and Softmax-11 in its branches", g.build(),
        shape);
    GraphProto converted = up.getGraph().getNode(2).getAttribute(1).getG();
    assertEquals(List.of("Flatten", "Softmax", "Shape", "Reshape", "Squeeze"), ops(converted));
    assertEquals(1, converted.getInitializerCount(), "the Squeeze axes, in the branch");
    // agree() ran one branch; the negated input takes the other.
    float[] flipped = GraphBuilder.values(6, 17, 3f);
    for (int i = 0; i < flipped.length; i++) {
      flipped[i] = -flipped[i];
    }
    assertEquals(0.0, OpsetAgreement.maxAbsDiff(g.build().toByteArray(), up.toByteArray(), "x",
        flipped, shape));
  }

  private static GraphProto branch(String name, NodeProto... nodes) {
    GraphProto.Builder b = GraphProto.newBuilder().setName(name);
    for (NodeProto n : nodes) {
      b.addNode(n);
    }
    String out = nodes[nodes.length - 1].getOutput(0);
    return b.addOutput(GraphBuilder.valueInfo(out, ElementType.FLOAT32, 2, 3)).build();
  }

  @Test
  void justRaisingTheImportWouldChangeTheResultsTheseTestsCompare() {
    long[] shape = {2, 3, 4, 5};
    ModelProto softmax = model(11, shape, node("Softmax", intAttr("axis", 1)));
    ModelProto raised = softmax.toBuilder().setOpsetImport(0,
        softmax.getOpsetImport(0).toBuilder().setVersion(13)).setIrVersion(7).build();
    float[] x = GraphBuilder.values(120, 17, 3f);
    assertTrue(OpsetAgreement.maxAbsDiff(softmax.toByteArray(), raised.toByteArray(), "x", x,
        shape) > 0.1, "Softmax-13 normalizes along dim 1 only");

    long[] image = {1, 2, 10, 10};
    ModelProto shrink = withScales(model(10, image, node("Resize", List.of("x", "scales"),
        List.of("y"))), 1, 1, 0.6f, 0.6f);
    ModelProto floor = OpsetUpgrade.upgrade(shrink, 10, "m").model();
    floor = floor.toBuilder().setGraph(floor.getGraph().toBuilder().setNode(0, Attributes.with(
        floor.getGraph().getNode(0), string("nearest_mode", "floor")))).build();
    assertTrue(OpsetAgreement.maxAbsDiff(shrink.toByteArray(), floor.toByteArray(), "x",
        GraphBuilder.values(200, 17, 3f), image) > 0.1, "shrinking rounds up at opset 10");
  }

  /** The model with float initializer "scales" holding {@code values}. */
  private static ModelProto withScales(ModelProto m, float... values) {
    return m.toBuilder().setGraph(m.getGraph().toBuilder().addInitializer(
        GraphBuilder.floats("scales", values, values.length))).build();
  }

  /** Upsample-9 whose scales are a Concat of two Constant nodes, as torch writes at opset 9. */
  private static ModelProto upsampleOfConcat(long[] shape) {
    NodeProto ones = NodeProto.newBuilder().setOpType("Constant").setName("ones")
        .addOutput("ones").addAttribute(AttributeProto.newBuilder().setName("value")
            .setType(AttributeProto.AttributeType.TENSOR)
            .setT(GraphBuilder.floats("ones", new float[] {1, 1}, 2))).build();
    NodeProto twos = ones.toBuilder().setName("twos").setOutput(0, "twos")
        .setAttribute(0, ones.getAttribute(0).toBuilder()
            .setT(GraphBuilder.floats("twos", new float[] {2, 3}, 2))).build();
    return model(9, shape, ones, twos,
        node("Concat", List.of("ones", "twos"), List.of("scales"), intAttr("axis", 0)),
        node("Upsample", List.of("x", "scales"), List.of("y")));
  }
}
