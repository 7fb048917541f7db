package org.qcal.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

class QuantRuleTest {

  @Test
  void fourRulesAreSharedConstants() {
    assertSame(QuantRule.SYMMETRIC, QuantRule.of(true, false));
    assertSame(QuantRule.ASYMMETRIC, QuantRule.of(false, false));
    assertSame(QuantRule.of(true, true), QuantRule.of(true, true));
    assertTrue(QuantRule.of(false, true).reduceRange());
    assertFalse(QuantRule.of(false, true).symmetric());
    assertEquals("symmetric, reduce_range", QuantRule.of(true, true).toString());
  }

  @Test
  void javaSerializationKeepsTheConstant() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(QuantRule.SYMMETRIC);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertSame(QuantRule.SYMMETRIC, in.readObject());
    }
  }
}
