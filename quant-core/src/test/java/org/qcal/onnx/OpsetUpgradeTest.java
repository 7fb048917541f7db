package org.qcal.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.qcal.onnx.GraphBuilder.intAttr;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.qcal.onnx.proto.Onnx.AttributeProto;
import org.qcal.onnx.proto.Onnx.ModelProto;

class OpsetUpgradeTest {
  private static ModelProto with(String op, long opset) {
    return new GraphBuilder().opset(opset).irVersion(6)
        .input("x", DataTypes.FLOAT, 1, 4).output("y", DataTypes.FLOAT, 1, 4)
        .node(op, "n", List.of("x"), List.of("y"), intAttr("axis", 1)).build();
  }

  @Test
  void opsWithUnchangedDefinitionsAllowTheUpgrade() {
    assertTrue(OpsetUpgrade.canUpgrade(with("Relu", 10), 10));
    assertTrue(OpsetUpgrade.canUpgrade(with("Flatten", 11), 11));
    assertTrue(OpsetUpgrade.canUpgrade(with("Anything", 13), 13), "already 13");
  }

  @Test
  void opsThatChangedBefore13BlockIt() {
    assertFalse(OpsetUpgrade.canUpgrade(with("Softmax", 12), 12));
    assertFalse(OpsetUpgrade.canUpgrade(with("Squeeze", 11), 11));
    assertFalse(OpsetUpgrade.canUpgrade(with("Clip", 10), 10));
    assertFalse(OpsetUpgrade.canUpgrade(with("SomeNewOp", 12), 12), "unknown ops block it");
  }

  @Test
  void maxPoolIsTheSameFromOpset8UnlessItPadsSame() {
    ModelProto floor = new GraphBuilder().opset(9).irVersion(4)
        .input("x", DataTypes.FLOAT, 1, 1, 4, 4).output("y", DataTypes.FLOAT, 1, 1, 2, 2)
        .node("MaxPool", "pool", List.of("x"), List.of("y"),
            GraphBuilder.intsAttr("kernel_shape", 2, 2), GraphBuilder.intsAttr("strides", 2, 2))
        .build();
    ModelProto same = floor.toBuilder().setGraph(floor.getGraph().toBuilder().setNode(0,
        floor.getGraph().getNode(0).toBuilder().addAttribute(AttributeProto.newBuilder()
            .setName("auto_pad").setType(AttributeProto.AttributeType.STRING)
            .setS(ByteString.copyFromUtf8("SAME_UPPER"))))).build();

    assertTrue(OpsetUpgrade.canUpgrade(floor, 9));
    assertEquals(Set.of("MaxPool"), OpsetUpgrade.blockers(same, 11),
        "MaxPool-12 redefined SAME padding");
    assertTrue(OpsetUpgrade.canUpgrade(same, 12));
  }

  @Test
  void upgradeRaisesTheDefaultDomainAndTheIrVersion() {
    ModelProto up = OpsetUpgrade.upgrade(with("Relu", 11));
    assertEquals(13, OnnxModel.opsetVersion(up, ""));
    assertEquals(7, up.getIrVersion());
  }
}
