package org.qcal.jobs.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.qcal.ElementType;
import org.qcal.QcalException;

class InputBindingTest {
  private static InputBinding bind(ElementType type, long... shape) {
    return new InputBinding(new ModelInput("in", type, shape), "x",
        type == ElementType.INT64 ? TensorColumn.LONG_ARRAY : TensorColumn.FLOAT_ARRAY);
  }

  @Test
  void staticSampleShapeGivesElementsPerSample() {
    InputBinding b = bind(ElementType.FLOAT32, -1, 1, 28, 28);
    assertArrayEquals(new long[] {1, 28, 28}, b.sampleShape());
    assertEquals(784, b.elementsPerSample()); // 1 * 28 * 28
    assertTrue(b.accepts(784));
    assertFalse(b.accepts(783));
    assertEquals("784", b.needs());
    assertEquals(Integer.MAX_VALUE, b.maxBatchSize());
  }

  @Test
  void staticBatchOfOneMeansOneRowAtATime() {
    assertEquals(1, bind(ElementType.FLOAT32, 1, 3).maxBatchSize());
  }

  @Test
  void nonPositiveDimsAreDynamic() {
    InputBinding b = bind(ElementType.FLOAT32, 0, -7, 4);
    assertArrayEquals(new long[] {-1, -1, 4}, b.input().shape());
    assertTrue(b.hasDynamicSampleDim());
    assertEquals(-1, b.elementsPerSample());
  }

  @Test
  void dynamicSampleDimIsTakenFromTheRowLength() {
    InputBinding b = bind(ElementType.FLOAT32, -1, -1, 4);
    assertTrue(b.accepts(12));
    assertArrayEquals(new long[] {3, 4}, b.sampleShapeFor(12)); // 12 / 4 = 3
    assertFalse(b.accepts(10)); // not a multiple of 4
    assertFalse(b.accepts(0));
    assertEquals("a positive multiple of 4", b.needs());
    assertEquals("at least 1", bind(ElementType.INT64, -1, -1).needs());
  }

  @Test
  void rejectsStaticBatchLargerThanOne() {
    QcalException e = assertThrows(QcalException.class, () -> bind(ElementType.FLOAT32, 8, 3));
    assertEquals("input 'in' [8,3] has a static batch dim of 8; qcal needs 1 or dynamic "
        + "(re-export the model with a dynamic batch axis)", e.getMessage());
  }

  @Test
  void rejectsTwoDynamicSampleDimsNamingTheInputShapeOption() {
    QcalException e = assertThrows(QcalException.class,
        () -> bind(ElementType.FLOAT32, -1, 3, -1, -1));
    assertEquals("input 'in' [?,3,?,?] has dynamic dims 2 and 3; pass its sample shape with"
        + " --input-shape in=3,A,B or a column of each row's dims with --input-shape in=@COLUMN",
        e.getMessage());
  }

  @Test
  void rejectsScalarInput() {
    QcalException e = assertThrows(QcalException.class, () -> bind(ElementType.FLOAT32));
    assertTrue(e.getMessage().contains("scalar"), e.getMessage());
  }

  @Test
  void rejectsFloatColumnForInt64Input() {
    QcalException e = assertThrows(QcalException.class, () -> new InputBinding(
        new ModelInput("ids", ElementType.INT64, new long[] {-1, 5}), "x",
        TensorColumn.DOUBLE_ARRAY));
    assertEquals("column 'x' is array<double>; int64 input 'ids' [?,5] needs array<int> or "
        + "array<bigint>", e.getMessage());
  }

  @Test
  void onlyFloat32AndInt64InputsAreFed() {
    QcalException e = assertThrows(QcalException.class,
        () -> new ModelInput("mask", ElementType.BOOL, new long[] {-1, 5}));
    assertEquals("model input 'mask' is bool; qcal feeds float32 and int64 inputs",
        e.getMessage());
  }
}
