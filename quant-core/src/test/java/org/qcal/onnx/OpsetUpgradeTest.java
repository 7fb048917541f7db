package org.qcal.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.qcal.onnx.GraphBuilder.intAttr;
import static org.qcal.onnx.GraphBuilder.intsAttr;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.qcal.ElementType;
import org.qcal.onnx.proto.Onnx.AttributeProto;
import org.qcal.onnx.proto.Onnx.GraphProto;
import org.qcal.onnx.proto.Onnx.ModelProto;
import org.qcal.onnx.proto.Onnx.NodeProto;

/** What {@link OpsetUpgrade} copies, converts and refuses, and how it reports it. */
class OpsetUpgradeTest {
  private static ModelProto with(String op, long opset, AttributeProto... attributes) {
    return new GraphBuilder().opset(opset).irVersion(6)
        .input("x", ElementType.FLOAT32, 1, 4, 2, 2).output("y", ElementType.FLOAT32)
        .node(op, "n", List.of("x"), List.of("y"), attributes).build();
  }

  private static OpsetUpgrade.Result upgrade(ModelProto model) {
    return OpsetUpgrade.upgrade(model, OnnxModel.opsetVersion(model, ""), "m.onnx");
  }

  @Test
  void unchangedOpsAreCopiedAndTheImportAndIrVersionRaised() {
    ModelProto model = with("Relu", 7);
    OpsetUpgrade.Result up = upgrade(model);

    assertTrue(up.ok());
    assertEquals(Map.of(), up.converted());
    assertEquals(model.getGraph(), up.model().getGraph());
    assertEquals(13, OnnxModel.opsetVersion(up.model(), ""));
    assertEquals(7, up.model().getIrVersion());
  }

  @Test
  void convertedNodesKeepTheirNamesAndAreCounted() {
    OpsetUpgrade.Result up = upgrade(with("Squeeze", 11, intsAttr("axes", 0)));

    assertEquals(Map.of("Squeeze", 1), up.converted());
    NodeProto n = up.model().getGraph().getNode(0);
    assertEquals("n", n.getName());
    assertEquals(List.of("x", "y_axes"), n.getInputList());
    assertEquals(0, n.getAttributeCount());
  }

  @Test
  void refusalsNameTheNodeItsOpAndTheOpset() {
    ModelProto model = new GraphBuilder().opset(9).irVersion(4)
        .input("x", ElementType.FLOAT32, 1, 2, 3, 4).input("s", ElementType.FLOAT32, 4)
        .output("y", ElementType.FLOAT32).output("z", ElementType.FLOAT32)
        .node("Upsample", "up", List.of("x", "s"), List.of("y"))
        .node("Scatter", "", List.of("x", "x", "x"), List.of("z"))
        .build();
    OpsetUpgrade.Result up = upgrade(model);

    assertFalse(up.ok());
    assertEquals(List.of("node 'up' (Upsample, opset 9): its scales are computed at run time,"
        + " and its nearest rounding (down when enlarging, up when shrinking) depends on them",
        "node 'Scatter#1' (Scatter, opset 9): qcal knows no conversion of Scatter"),
        up.refusals());
    assertTrue(up.refusal().endsWith("depends on them (and 1 more node)"), up.refusal());
  }

  @Test
  void casesWithoutAnOpset13EquivalentAreRefused() {
    assertRefused(with("BatchNormalization", 8, intAttr("spatial", 0)), "spatial = 0");
    assertRefused(with("MaxPool", 11, intsAttr("kernel_shape", 2, 2),
        Attributes.ofString("auto_pad", "SAME_UPPER")),
        "no conversion of MaxPool with auto_pad SAME_UPPER below opset 12");
    assertRefused(new GraphBuilder().opset(10).irVersion(5)
        .input("x", ElementType.FLOAT32, 2, 3).output("y", ElementType.FLOAT32)
        .output("m", ElementType.BOOL)
        .node("Dropout", "drop", List.of("x"), List.of("y", "m")).build(),
        "its mask 'm' is read, and the inference mask changed at opset 12");
    assertRefused(scaledResize(10, "nearest", "asymmetric"),
        "enlarges some dims and shrinks others");
    assertRefused(scaledResize(11, "nearest", "tf_half_pixel_for_nn"),
        "tf_half_pixel_for_nn was removed at opset 13");
    assertRefused(with("Upsample", 7, Attributes.ofString("mode", "cubic")),
        "mode 'cubic' is neither nearest nor linear");
  }

  private static ModelProto scaledResize(long opset, String mode, String transform) {
    GraphBuilder g = new GraphBuilder().opset(opset).irVersion(6)
        .input("x", ElementType.FLOAT32, 1, 1, 4, 4).output("y", ElementType.FLOAT32)
        .floatInit("scales", new float[] {1, 1, 2, 0.5f}, 4);
    List<String> in = opset < 11 ? List.of("x", "scales") : List.of("x", "", "scales");
    return g.node("Resize", "resize", in, List.of("y"), Attributes.ofString("mode", mode),
        Attributes.ofString("coordinate_transformation_mode", transform)).build();
  }

  private static void assertRefused(ModelProto model, String reason) {
    OpsetUpgrade.Result up = upgrade(model);
    assertEquals(1, up.refusals().size(), up.refusals().toString());
    assertTrue(up.refusals().get(0).contains(reason), up.refusals().get(0));
  }

  @Test
  void nodeIndexPointsAtTheNodeThatTookEachOriginalsPlace() {
    ModelProto model = new GraphBuilder().opset(11).irVersion(6)
        .input("x", ElementType.FLOAT32, 1, 4, 2, 2).output("y", ElementType.FLOAT32)
        .node("Softmax", "softmax", List.of("x"), List.of("p"), intAttr("axis", 1))
        .node("Relu", "relu", List.of("p"), List.of("y")).build();
    OpsetUpgrade.Result up = upgrade(model);
    GraphProto g = up.model().getGraph();

    assertArrayEquals(new int[] {1, 4}, up.nodeIndex());
    assertEquals("softmax", g.getNode(1).getName());
    assertEquals("relu", g.getNode(4).getName());
  }

  @Test
  void newNamesAvoidEveryNameOfTheModel() {
    ModelProto model = new GraphBuilder().opset(11).irVersion(6)
        .input("x", ElementType.FLOAT32, 1, 4).output("y", ElementType.FLOAT32)
        .output("y_axes", ElementType.FLOAT32)
        .node("Relu", "r", List.of("x"), List.of("y_axes"))
        .node("Unsqueeze", "u", List.of("x"), List.of("y"), intsAttr("axes", 0)).build();
    NodeProto u = upgrade(model).model().getGraph().getNode(1);

    assertEquals("y_axes_1", u.getInput(1));
  }

  @Test
  void nodesOfOtherDomainsAreCopied() {
    ModelProto model = with("Squeeze", 11).toBuilder().setGraph(with("Squeeze", 11).getGraph()
        .toBuilder().setNode(0, with("Squeeze", 11).getGraph().getNode(0).toBuilder()
            .setDomain("com.example"))).build();

    assertTrue(upgrade(model).ok());
    assertEquals(model.getGraph(), upgrade(model).model().getGraph());
  }
}
