package org.qcal.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.qcal.QcalException;

class QuantTypeTest {
  private static final QuantRule FULL = QuantRule.ASYMMETRIC;
  private static final QuantRule SYM = QuantRule.SYMMETRIC;
  private static final QuantRule REDUCED = QuantRule.of(false, true);

  private static void assertRange(QuantType t, QuantRule r, long qmin, long qmax) {
    assertEquals(qmin, t.qmin(r), t + " " + r + " qmin");
    assertEquals(qmax, t.qmax(r), t + " " + r + " qmax");
  }

  @Test
  void fullRangesAreTheTypesValues() {
    assertRange(QuantType.INT8, FULL, -128, 127);
    assertRange(QuantType.UINT8, FULL, 0, 255);
    assertRange(QuantType.INT16, FULL, -32768, 32767);
    assertRange(QuantType.UINT16, FULL, 0, 65535);
    assertRange(QuantType.INT4, FULL, -8, 7);
    assertRange(QuantType.UINT4, FULL, 0, 15);
    assertRange(QuantType.INT32, FULL, Integer.MIN_VALUE, Integer.MAX_VALUE);
  }

  @Test
  void symmetricRestrictsSignedTypesAndKeepsUnsignedOnes() {
    // -(2^(b-1) - 1) .. 2^(b-1) - 1 for signed types (docs/DESIGN.md: int8 -127..127).
    assertRange(QuantType.INT8, SYM, -127, 127);
    assertRange(QuantType.INT16, SYM, -32767, 32767);
    assertRange(QuantType.INT4, SYM, -7, 7);
    assertRange(QuantType.UINT8, SYM, 0, 255);
    assertRange(QuantType.UINT16, SYM, 0, 65535);
    assertRange(QuantType.UINT4, SYM, 0, 15);
  }

  @Test
  void reduceRangeDropsOneBitOfMagnitude() {
    // docs/DESIGN.md: int8 -64..64, uint8 0..127; the same rule for the other widths.
    assertRange(QuantType.INT8, REDUCED, -64, 64);
    assertRange(QuantType.UINT8, REDUCED, 0, 127);
    assertRange(QuantType.INT16, REDUCED, -16384, 16384);
    assertRange(QuantType.UINT16, REDUCED, 0, 32767);
    assertRange(QuantType.INT4, REDUCED, -4, 4);
    assertRange(QuantType.UINT4, REDUCED, 0, 7);
  }

  @Test
  void reduceRangeTakesPrecedenceOverSymmetric() {
    assertRange(QuantType.INT8, QuantRule.of(true, true), -64, 64);
    assertRange(QuantType.UINT8, QuantRule.of(true, true), 0, 127);
  }

  @Test
  void elementTypesFollowOnnxProto() {
    // onnx.proto TensorProto.DataType: UINT8 = 2, INT8 = 3, UINT16 = 4, INT16 = 5, INT32 = 6,
    // UINT4 = 21, INT4 = 22.
    assertEquals(3, QuantType.INT8.elementType().code());
    assertEquals(2, QuantType.UINT8.elementType().code());
    assertEquals(5, QuantType.INT16.elementType().code());
    assertEquals(4, QuantType.UINT16.elementType().code());
    assertEquals(22, QuantType.INT4.elementType().code());
    assertEquals(21, QuantType.UINT4.elementType().code());
    assertEquals(6, QuantType.INT32.elementType().code());
    for (QuantType t : QuantType.values()) {
      assertEquals(t.toString(), t.elementType().toString());
      assertEquals(t, QuantType.fromOnnxType(t.elementType().code()));
    }
  }

  @Test
  void parsesNamesIgnoringCase() {
    assertEquals(QuantType.INT8, QuantType.parse("int8"));
    assertEquals(QuantType.UINT8, QuantType.parse("UINT8"));
    assertEquals(QuantType.UINT4, QuantType.parse(" uint4 "));
    assertEquals("int16", QuantType.INT16.toString());
    for (QuantType t : QuantType.values()) {
      assertEquals(t, QuantType.parse(t.toString()));
    }
  }

  @Test
  void rejectsUnknownNameWithTheName() {
    QcalException e = assertThrows(QcalException.class, () -> QuantType.parse("int7"));
    assertTrue(e.getMessage().endsWith("got int7"), e.getMessage());
    assertTrue(e.getMessage().contains("uint8"), e.getMessage());
    assertThrows(QcalException.class, () -> QuantType.parse(null));
    e = assertThrows(QcalException.class, () -> QuantType.parse("int16",
        List.of(QuantType.INT8, QuantType.UINT8), "--weight-type"));
    assertEquals("--weight-type must be one of [int8, uint8], got int16", e.getMessage());
    assertEquals(QuantType.UINT8,
        QuantType.parse("UINT8", List.of(QuantType.INT8, QuantType.UINT8), "--weight-type"));
  }

  @Test
  void rejectsUnknownOnnxType() {
    QcalException e = assertThrows(QcalException.class, () -> QuantType.fromOnnxType(1));
    assertTrue(e.getMessage().endsWith("got float32"), e.getMessage());
    e = assertThrows(QcalException.class, () -> QuantType.fromOnnxType(99));
    assertTrue(e.getMessage().endsWith("got type 99"), e.getMessage());
  }
}
