package org.qcal.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.qcal.onnx.GraphBuilder.intAttr;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.qcal.ElementType;

class ElementTypesTest {
  private static ElementTypes infer(GraphBuilder g) {
    var model = g.build();
    return ElementTypes.infer(new GraphIndex(model.getGraph(), model.getIrVersion()));
  }

  @Test
  void propagatesFloatThroughOpsWithoutValueInfo() {
    ElementTypes t = infer(new GraphBuilder()
        .input("x", ElementType.FLOAT32, 1, 4).output("y", ElementType.FLOAT32, 1, 4)
        .floatInit("w", new float[16], 4, 4)
        .node("MatMul", "mm", List.of("x", "w"), List.of("a"))
        .node("Relu", "r", List.of("a"), List.of("b"))
        .node("Flatten", "f", List.of("b"), List.of("y")));
    assertEquals(ElementType.FLOAT32, t.of("a"));
    assertEquals(ElementType.FLOAT32, t.of("b"));
  }

  @Test
  void fixedTypeOpsAndCastOverrideTheInputType() {
    ElementTypes t = infer(new GraphBuilder()
        .input("x", ElementType.FLOAT32, 1, 4).output("c", ElementType.FLOAT32, 1, 4)
        .node("Shape", "s", List.of("x"), List.of("shape"))
        .node("Cast", "cast", List.of("shape"), List.of("shapeF"),
            intAttr("to", ElementType.FLOAT32.code()))
        .node("Equal", "eq", List.of("x", "x"), List.of("mask"))
        .node("ArgMax", "am", List.of("x"), List.of("idx"))
        .node("Add", "add", List.of("shape", "shape"), List.of("shape2"))
        .node("Relu", "r", List.of("x"), List.of("c")));
    assertEquals(ElementType.INT64, t.of("shape"));
    assertEquals(ElementType.FLOAT32, t.of("shapeF"));
    assertEquals(ElementType.BOOL, t.of("mask"));
    assertEquals(ElementType.INT64, t.of("idx"));
    assertEquals(ElementType.INT64, t.of("shape2"));
  }

  @Test
  void unknownOpsLeaveTheirOutputsUnknown() {
    ElementTypes t = infer(new GraphBuilder()
        .input("x", ElementType.FLOAT32, 1, 4).output("z", ElementType.FLOAT32, 1, 4)
        .node("MysteryOp", "m", List.of("x"), List.of("y"))
        .node("Relu", "r", List.of("y"), List.of("z")));
    assertEquals(ElementType.UNDEFINED, t.of("y"));
    assertEquals(ElementType.FLOAT32, t.of("z"), "declared as a graph output");
  }

  @Test
  void gatherTakesTheTypeOfItsDataNotOfItsIndices() {
    ElementTypes t = infer(new GraphBuilder()
        .input("x", ElementType.FLOAT32, 3, 4).output("g", ElementType.UNDEFINED)
        .int64Init("i", new long[] {0}, 1)
        .node("Gather", "gather", List.of("x", "i"), List.of("g")));
    assertEquals(ElementType.FLOAT32, t.of("g"));
  }
}
