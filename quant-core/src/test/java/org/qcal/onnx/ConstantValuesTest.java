package org.qcal.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.qcal.onnx.GraphBuilder.intAttr;
import static org.qcal.onnx.GraphBuilder.intsAttr;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.qcal.ElementType;
import org.qcal.onnx.proto.Onnx.ModelProto;
import org.qcal.onnx.proto.Onnx.TensorProto;

class ConstantValuesTest {
  private static final float[] SIX = {0, 1, 2, 3, 4, 5};
  private static final float[] EIGHT = {0, 1, 2, 3, 4, 5, 6, 7};

  private static ConstantValues values(ModelProto proto) {
    GraphIndex index = new GraphIndex(proto.getGraph(), proto.getIrVersion());
    return new ConstantValues(index,
        TensorClasses.classify(index), "test");
  }

  /** A graph of constants only; x -> Identity -> y keeps it a valid model. */
  private static GraphBuilder base() {
    return new GraphBuilder()
        .input("x", ElementType.FLOAT32, -1, 2).output("y", ElementType.FLOAT32, -1, 2)
        .node("Identity", "keep", List.of("x"), List.of("y"))
        .floatInit("w23", SIX, 2, 3)
        .floatInit("w222", EIGHT, 2, 2, 2);
  }

  private static float[] floats(TensorProto t) {
    return TensorData.floats(t, "test");
  }

  @Test
  void transposeWithoutPermReversesTheAxes() {
    // [[0,1,2],[3,4,5]] transposed is [[0,3],[1,4],[2,5]].
    ConstantValues v = values(base()
        .node("Transpose", "t", List.of("w23"), List.of("t")).build());

    TensorProto t = v.floatValue("t");

    assertEquals(List.of(3L, 2L), t.getDimsList());
    assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, floats(t));
    assertEquals("t", t.getName());
  }

  @Test
  void transposeWithPermMovesBlocks() {
    // perm [1,0,2]: out[i][j][k] = in[j][i][k]; the blocks [0,1] [2,3] / [4,5] [6,7] interleave.
    ConstantValues v = values(base().node("Transpose", "t", List.of("w222"), List.of("t"),
        intsAttr("perm", 1, 0, 2)).build());

    assertArrayEquals(new float[] {0, 1, 4, 5, 2, 3, 6, 7}, floats(v.floatValue("t")));
  }

  @Test
  void reshapeCopiesZeroDimsAndInfersMinusOne() {
    ConstantValues v = values(base()
        .int64Init("shape", new long[] {0, -1, 1}, 3)
        .node("Reshape", "r", List.of("w222", "shape"), List.of("r")).build());

    TensorProto r = v.floatValue("r");

    assertEquals(List.of(2L, 4L, 1L), r.getDimsList());
    assertArrayEquals(EIGHT, floats(r));
  }

  @Test
  void squeezeAndUnsqueezeTakeAxesFromTheAttributeOrTheInput() {
    ConstantValues v = values(base()
        .node("Unsqueeze", "u", List.of("w23"), List.of("u"), intsAttr("axes", 0, -1))
        .int64Init("axes", new long[] {0, 3}, 2)
        .node("Squeeze", "s", List.of("u", "axes"), List.of("s")).build());

    assertEquals(List.of(1L, 2L, 3L, 1L), v.floatValue("u").getDimsList());
    assertEquals(List.of(2L, 3L), v.floatValue("s").getDimsList());
  }

  @Test
  void flattenJoinsTheDimsBeforeAndAfterTheAxis() {
    ConstantValues v = values(base()
        .node("Flatten", "f", List.of("w222"), List.of("f"), intAttr("axis", 2)).build());

    assertEquals(List.of(4L, 2L), v.floatValue("f").getDimsList());
  }

  @Test
  void constantNodesAndIdentityAndSameTypeCastPassValuesThrough() {
    ConstantValues v = values(base()
        .node("Constant", "c", List.of(), List.of("c"),
            TensorClassesTest.tensorAttr("value", 1.5f, -2f))
        .node("Identity", "i", List.of("c"), List.of("i"))
        .node("Cast", "cast", List.of("i"), List.of("cast"),
            intAttr("to", ElementType.FLOAT32.code()))
        .build());

    assertArrayEquals(new float[] {1.5f, -2f}, floats(v.floatValue("cast")));
  }

  @Test
  void arithmeticOnConstantsAndActivationsHaveNoValueHere() {
    ConstantValues v = values(base()
        .node("Mul", "m", List.of("w23", "w23"), List.of("m"))
        .node("Cast", "to_int", List.of("w23"), List.of("to_int"),
            intAttr("to", ElementType.INT64.code()))
        .build());

    assertNull(v.floatValue("m"), "Mul of constants: constant, but not a view");
    assertNull(v.floatValue("to_int"), "a Cast that changes the type is not a view");
    assertNull(v.floatValue("x"), "graph input");
    assertNull(v.floatValue("y"), "activation");
  }
}
