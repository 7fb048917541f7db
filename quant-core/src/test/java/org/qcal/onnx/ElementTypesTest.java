package org.qcal.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.qcal.onnx.GraphBuilder.intAttr;

import java.util.List;
import org.junit.jupiter.api.Test;

class ElementTypesTest {
  private static ElementTypes infer(GraphBuilder g) {
    var model = g.build();
    return ElementTypes.infer(new GraphIndex(model.getGraph(), model.getIrVersion()));
  }

  @Test
  void propagatesFloatThroughOpsWithoutValueInfo() {
    ElementTypes t = infer(new GraphBuilder()
        .input("x", DataTypes.FLOAT, 1, 4).output("y", DataTypes.FLOAT, 1, 4)
        .floatInit("w", new float[16], 4, 4)
        .node("MatMul", "mm", List.of("x", "w"), List.of("a"))
        .node("Relu", "r", List.of("a"), List.of("b"))
        .node("Flatten", "f", List.of("b"), List.of("y")));
    assertEquals(DataTypes.FLOAT, t.of("a"));
    assertEquals(DataTypes.FLOAT, t.of("b"));
  }

  @Test
  void fixedTypeOpsAndCastOverrideTheInputType() {
    ElementTypes t = infer(new GraphBuilder()
        .input("x", DataTypes.FLOAT, 1, 4).output("c", DataTypes.FLOAT, 1, 4)
        .node("Shape", "s", List.of("x"), List.of("shape"))
        .node("Cast", "cast", List.of("shape"), List.of("shapeF"),
            intAttr("to", DataTypes.FLOAT))
        .node("Equal", "eq", List.of("x", "x"), List.of("mask"))
        .node("ArgMax", "am", List.of("x"), List.of("idx"))
        .node("Add", "add", List.of("shape", "shape"), List.of("shape2"))
        .node("Relu", "r", List.of("x"), List.of("c")));
    assertEquals(DataTypes.INT64, t.of("shape"));
    assertEquals(DataTypes.FLOAT, t.of("shapeF"));
    assertEquals(DataTypes.BOOL, t.of("mask"));
    assertEquals(DataTypes.INT64, t.of("idx"));
    assertEquals(DataTypes.INT64, t.of("shape2"));
  }

  @Test
  void unknownOpsLeaveTheirOutputsUnknown() {
    ElementTypes t = infer(new GraphBuilder()
        .input("x", DataTypes.FLOAT, 1, 4).output("z", DataTypes.FLOAT, 1, 4)
        .node("MysteryOp", "m", List.of("x"), List.of("y"))
        .node("Relu", "r", List.of("y"), List.of("z")));
    assertEquals(DataTypes.UNDEFINED, t.of("y"));
    assertEquals(DataTypes.FLOAT, t.of("z"), "declared as a graph output");
  }

  @Test
  void gatherTakesTheTypeOfItsDataNotOfItsIndices() {
    ElementTypes t = infer(new GraphBuilder()
        .input("x", DataTypes.FLOAT, 3, 4).output("g", DataTypes.UNDEFINED)
        .int64Init("i", new long[] {0}, 1)
        .node("Gather", "gather", List.of("x", "i"), List.of("g")));
    assertEquals(DataTypes.FLOAT, t.of("g"));
  }
}
