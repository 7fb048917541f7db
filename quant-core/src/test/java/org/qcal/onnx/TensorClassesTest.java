package org.qcal.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.qcal.onnx.GraphBuilder.intAttr;
import static org.qcal.onnx.GraphBuilder.intsAttr;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.qcal.ElementType;
import org.qcal.onnx.TensorClasses.Kind;
import org.qcal.onnx.proto.Onnx.AttributeProto;
import org.qcal.onnx.proto.Onnx.ModelProto;

class TensorClassesTest {

  private static TensorClasses classify(ModelProto proto) {
    GraphIndex index = new GraphIndex(proto.getGraph(), proto.getIrVersion());
    return TensorClasses.classify(index);
  }

  static AttributeProto tensorAttr(String name, float... values) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.TENSOR)
        .setT(GraphBuilder.floats("", values, values.length)).build();
  }

  /**
   * What torch.onnx writes for x.view(x.size(0), -1) and a LayerNorm tail: Shape -> Gather ->
   * Unsqueeze -> Concat builds the target shape from the input's batch; the LayerNorm's epsilon
   * and gamma come from a Constant node and from an Identity of an initializer.
   */
  private static GraphBuilder shapeAndNorm() {
    return new GraphBuilder().opset(11)
        .input("x", ElementType.FLOAT32, -1, 2, 3)
        .output("y", ElementType.FLOAT32, -1, 6)
        .floatInit("gamma", new float[] {1, 2, 3, 4, 5, 6}, 6)
        .int64Init("zero", new long[] {0})
        .int64Init("minus_one", new long[] {-1}, 1)
        .node("Constant", "eps", List.of(), List.of("eps"), tensorAttr("value", 1e-5f))
        .node("Identity", "gamma_id", List.of("gamma"), List.of("gamma_view"))
        .node("Shape", "shape", List.of("x"), List.of("x_shape"))
        .node("Gather", "batch", List.of("x_shape", "zero"), List.of("n"), intAttr("axis", 0))
        .node("Unsqueeze", "batch_1d", List.of("n"), List.of("n_1d"), intsAttr("axes", 0))
        .node("Concat", "target", List.of("n_1d", "minus_one"), List.of("target"),
            intAttr("axis", 0))
        .node("Reshape", "flat", List.of("x", "target"), List.of("flat"))
        .node("Add", "eps2", List.of("eps", "eps"), List.of("eps2"))
        .node("Add", "shift", List.of("flat", "eps2"), List.of("shifted"))
        .node("Mul", "scale", List.of("shifted", "gamma_view"), List.of("y"));
  }

  @Test
  void storedWeightsTheirViewsAndFoldableArithmeticAreConstants() {
    TensorClasses c = classify(shapeAndNorm().build());

    for (String t : List.of("gamma", "zero", "minus_one", "eps", "gamma_view", "eps2")) {
      assertEquals(Kind.CONSTANT, c.of(t), t);
    }
  }

  @Test
  void integerArithmeticOnTheInputShapeIsShape() {
    TensorClasses c = classify(shapeAndNorm().build());

    for (String t : List.of("x_shape", "n", "n_1d", "target")) {
      assertEquals(Kind.SHAPE, c.of(t), t);
    }
  }

  @Test
  void valuesComputedFromTheInputAreActivations() {
    TensorClasses c = classify(shapeAndNorm().build());

    for (String t : List.of("x", "flat", "shifted", "y")) {
      assertEquals(Kind.ACTIVATION, c.of(t), t);
    }
  }

  @Test
  void floatsMadeFromConstantsAndShapesAreShapeDerived() {
    // ViT's class token: Expand(cls [1,1,2], shape built from Shape(x)) -> [N,1,2]. BERT's
    // position embedding is the same kind: a table gathered at positions sliced to the length.
    ModelProto proto = new GraphBuilder()
        .input("x", ElementType.FLOAT32, -1, 1, 2)
        .output("tokens", ElementType.FLOAT32, -1, 2, 2)
        .floatInit("cls", new float[] {0.5f, -0.5f}, 1, 1, 2)
        .node("Shape", "shape", List.of("x"), List.of("x_shape"))
        .node("Expand", "expand", List.of("cls", "x_shape"), List.of("cls_n"))
        .node("Concat", "cat", List.of("cls_n", "x"), List.of("tokens"), intAttr("axis", 1))
        .build();

    TensorClasses c = classify(proto);

    assertEquals(Kind.SHAPE, c.of("x_shape"));
    assertEquals(Kind.SHAPE, c.of("cls_n"), "the same values for every row");
    assertEquals(Kind.ACTIVATION, c.of("tokens"));
  }

  @Test
  void initializersListedAsInputsAreConstantsAtAnyIrVersion() {
    GraphBuilder b = new GraphBuilder()
        .input("x", ElementType.FLOAT32, -1, 2)
        .input("w", ElementType.FLOAT32, 2, 2)
        .output("y", ElementType.FLOAT32, -1, 2)
        .floatInit("w", new float[] {1, 0, 0, 1}, 2, 2)
        .node("Transpose", "wt", List.of("w"), List.of("w_t"))
        .node("MatMul", "mm", List.of("x", "w_t"), List.of("y"));

    assertEquals(Kind.CONSTANT, classify(b.irVersion(3).build()).of("w_t"),
        "IR 3: every initializer must be an input, and is still a constant");
    assertEquals(Kind.CONSTANT, classify(b.irVersion(8).build()).of("w_t"),
        "IR >= 4: an overridable default, which qcal never overrides (ORT does not list it)");
    assertEquals(Kind.ACTIVATION, classify(b.irVersion(8).build()).of("x"));
  }

  @Test
  void randomOpsAreNeverConstant() {
    ModelProto proto = new GraphBuilder()
        .input("x", ElementType.FLOAT32, -1, 2)
        .output("y", ElementType.FLOAT32, -1, 2)
        .node("RandomNormal", "noise", List.of(), List.of("noise"), intsAttr("shape", 1, 2))
        .node("Add", "add", List.of("x", "noise"), List.of("y"))
        .build();

    assertEquals(Kind.ACTIVATION, classify(proto).of("noise"));
  }
}
