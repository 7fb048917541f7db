package org.qcal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.TensorInfo.OnnxTensorType;
import org.junit.jupiter.api.Test;

class ElementTypeTest {
  private static final String ORT_PREFIX = "ONNX_TENSOR_ELEMENT_DATA_TYPE_";

  @Test
  void codesFollowOnnxProto() {
    // onnx.proto TensorProto.DataType.
    assertEquals(0, ElementType.UNDEFINED.code());
    assertEquals(1, ElementType.FLOAT32.code());
    assertEquals(2, ElementType.UINT8.code());
    assertEquals(3, ElementType.INT8.code());
    assertEquals(7, ElementType.INT64.code());
    assertEquals(9, ElementType.BOOL.code());
    assertEquals(11, ElementType.FLOAT64.code());
    assertEquals(16, ElementType.BFLOAT16.code());
    assertEquals(21, ElementType.UINT4.code());
    assertEquals(22, ElementType.INT4.code());
    assertEquals(24, ElementType.FLOAT8E8M0.code());
    for (ElementType t : ElementType.values()) {
      assertEquals(t, ElementType.of(t.code()));
    }
  }

  @Test
  void onnxRuntimeTypesMapByName() {
    // ONNX Runtime's Java enum numbers its types in its own order (FLOAT is 10 there).
    assertEquals(ElementType.FLOAT32,
        ElementType.of(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT));
    assertEquals(ElementType.FLOAT64,
        ElementType.of(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE));
    assertEquals(ElementType.INT64,
        ElementType.of(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64));
    for (OnnxTensorType ort : OnnxTensorType.values()) {
      String name = ort.name().substring(ORT_PREFIX.length());
      String expected = name.equals("FLOAT") ? "FLOAT32" : name.equals("DOUBLE") ? "FLOAT64" : name;
      assertEquals(expected, ElementType.of(ort).name(), ort.name());
    }
  }

  @Test
  void byteSizesAreThoseOfRawData() {
    assertEquals(4, ElementType.FLOAT32.byteSize());
    assertEquals(8, ElementType.INT64.byteSize());
    assertEquals(1, ElementType.UINT8.byteSize());
    assertEquals(2, ElementType.INT16.byteSize());
    assertEquals(1, ElementType.FLOAT8E4M3FN.byteSize());
    assertEquals(16, ElementType.COMPLEX128.byteSize());
    assertEquals(-1, ElementType.STRING.byteSize());
    assertEquals(-1, ElementType.INT4.byteSize());
    assertEquals(-1, ElementType.UNDEFINED.byteSize());
  }

  @Test
  void unknownCodesAreUndefinedAndNamedByTheirNumber() {
    assertEquals(ElementType.UNDEFINED, ElementType.of(42));
    assertEquals(ElementType.UNDEFINED, ElementType.of(-1));
    assertEquals("type 42", ElementType.nameOf(42));
    assertEquals("float32", ElementType.nameOf(1));
    assertEquals("int8", ElementType.INT8.toString());
  }
}
