package org.qcal.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.qcal.ElementType;
import org.qcal.QcalException;

class TensorSpecTest {
  private static final TensorSpec IMAGE =
      new TensorSpec("input", ElementType.FLOAT32, new long[] {-1, 1, 28, 28});
  private static final TensorSpec IDS =
      new TensorSpec("ids", ElementType.INT64, new long[] {-1, -1});

  @Test
  void shapeForBatchFillsTheDynamicBatchDimension() {
    assertArrayEquals(new long[] {64, 1, 28, 28}, IMAGE.shapeForBatch(64));
    assertEquals(784, IMAGE.elementsPerRow());
  }

  @Test
  void shapeForBatchRefusesOtherDynamicDimensions() {
    QcalException e = assertThrows(QcalException.class, () -> IDS.shapeForBatch(8));
    assertTrue(e.getMessage().contains("pass its full shape"), e.getMessage());
    assertEquals(TensorSpec.DYNAMIC, IDS.elementsPerRow());
  }

  @Test
  void shapeForBatchRefusesAnotherFixedBatchSize() {
    TensorSpec fixed = new TensorSpec("x", ElementType.FLOAT32, new long[] {1, 1, 5, 5});
    assertArrayEquals(new long[] {1, 1, 5, 5}, fixed.shapeForBatch(1));
    assertThrows(QcalException.class, () -> fixed.shapeForBatch(2));
  }

  @Test
  void acceptsConcreteShapesThatFitTheDeclaration() {
    assertTrue(IMAGE.accepts(new long[] {7, 1, 28, 28}));
    assertFalse(IMAGE.accepts(new long[] {7, 3, 28, 28}));
    assertFalse(IMAGE.accepts(new long[] {7, 784}));
    assertFalse(IMAGE.accepts(new long[] {-1, 1, 28, 28}));
    assertTrue(IDS.accepts(new long[] {2, 128}));
  }

  @Test
  void describesItselfLikeTheModel() {
    assertEquals("input float32 [-1, 1, 28, 28]", IMAGE.toString());
  }
}
