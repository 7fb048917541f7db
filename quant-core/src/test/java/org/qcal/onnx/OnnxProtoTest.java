package org.qcal.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.qcal.ElementType;
import org.qcal.onnx.proto.Onnx.AttributeProto;
import org.qcal.onnx.proto.Onnx.ModelProto;
import org.qcal.onnx.proto.Onnx.NodeProto;
import org.qcal.onnx.proto.Onnx.TensorProto;
import org.qcal.onnx.proto.Onnx.TypeProto;

/** The schema reads and writes ONNX's wire format and keeps what it does not know. */
class OnnxProtoTest {

  private static UnknownFieldSet unknown(int field, String value) {
    return UnknownFieldSet.newBuilder()
        .addField(field, UnknownFieldSet.Field.newBuilder()
            .addLengthDelimited(ByteString.copyFromUtf8(value)).build())
        .build();
  }

  @Test
  void unknownFieldsAtEveryLevelSurviveReadWrite() throws Exception {
    ModelProto built = new GraphBuilder()
        .input("x", ElementType.FLOAT32, 1, 4)
        .output("y", ElementType.FLOAT32, 1, 4)
        .node("Relu", "relu", List.of("x"), List.of("y"))
        .floatInit("w", new float[] {1, 2}, 2)
        .build();
    // Fields from a future ONNX: on the model, a node, an attribute, a tensor, a type.
    ModelProto.Builder b = built.toBuilder().setUnknownFields(unknown(99, "model-extra"));
    b.getGraphBuilder().getNodeBuilder(0).setUnknownFields(unknown(77, "node-extra"))
        .addAttribute(AttributeProto.newBuilder().setName("future")
            .setUnknownFields(unknown(55, "attribute-extra")));
    b.getGraphBuilder().getInitializerBuilder(0).setUnknownFields(unknown(66, "tensor-extra"));
    b.getGraphBuilder().getInputBuilder(0).getTypeBuilder()
        .setUnknownFields(unknown(7, "opaque-type")); // ONNX-ML's Opaque type is field 7
    byte[] original = b.build().toByteArray();

    ModelProto read = ModelProto.parseFrom(original);
    byte[] written = read.toByteArray();

    assertArrayEquals(original, written);
    assertTrue(read.getUnknownFields().hasField(99));
    NodeProto node = read.getGraph().getNode(0);
    assertEquals("node-extra",
        node.getUnknownFields().getField(77).getLengthDelimitedList().get(0).toStringUtf8());
    assertTrue(node.getAttribute(0).getUnknownFields().hasField(55));
    TensorProto w = read.getGraph().getInitializer(0);
    assertTrue(w.getUnknownFields().hasField(66));
    TypeProto type = read.getGraph().getInput(0).getType();
    assertTrue(type.getUnknownFields().hasField(7));
  }

  @Test
  void unknownFieldsSurviveLoadingThroughOnnxModel() {
    ModelProto built = new GraphBuilder()
        .input("x", ElementType.FLOAT32, 1, 4).output("y", ElementType.FLOAT32, 1, 4)
        .node("Relu", "relu", List.of("x"), List.of("y")).build()
        .toBuilder().setUnknownFields(unknown(1000, "kept")).build();
    byte[] bytes = built.toByteArray();

    OnnxModel model = OnnxModel.fromBytes("future.onnx", bytes);

    assertArrayEquals(bytes, model.toByteArray());
  }

  @Test
  void fieldNumbersAreThoseOfOnnxProto() {
    // A few numbers straight from onnx/onnx.proto; a typo here would make every model unreadable.
    assertEquals(1, ModelProto.IR_VERSION_FIELD_NUMBER);
    assertEquals(7, ModelProto.GRAPH_FIELD_NUMBER);
    assertEquals(8, ModelProto.OPSET_IMPORT_FIELD_NUMBER);
    assertEquals(25, ModelProto.FUNCTIONS_FIELD_NUMBER);
    assertEquals(5, org.qcal.onnx.proto.Onnx.GraphProto.INITIALIZER_FIELD_NUMBER);
    assertEquals(13, org.qcal.onnx.proto.Onnx.GraphProto.VALUE_INFO_FIELD_NUMBER);
    assertEquals(9, TensorProto.RAW_DATA_FIELD_NUMBER);
    assertEquals(13, TensorProto.EXTERNAL_DATA_FIELD_NUMBER);
    assertEquals(14, TensorProto.DATA_LOCATION_FIELD_NUMBER);
    assertEquals(3, TensorProto.SEGMENT_FIELD_NUMBER);
    assertEquals(20, AttributeProto.TYPE_FIELD_NUMBER);
    assertEquals(7, NodeProto.DOMAIN_FIELD_NUMBER);
    assertEquals(9, TypeProto.OPTIONAL_TYPE_FIELD_NUMBER);
  }

  @Test
  void shippedModelsWriteBackByteForByte() throws Exception {
    for (String file : List.of("cnn.onnx", "mlp.onnx", "residual.onnx")) {
      byte[] bytes = OrtSupport.shippedModel(file);
      assertNotNull(bytes, file + " is missing from the test resources");
      assertArrayEquals(bytes, ModelProto.parseFrom(bytes).toByteArray(), file);
    }
  }
}
