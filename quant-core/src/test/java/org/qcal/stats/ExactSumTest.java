package org.qcal.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.qcal.QcalException;

class ExactSumTest {

  private static double[] wideDoubles(Random r, int n) {
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      double mag = Math.scalb(1.0 + r.nextDouble(), r.nextInt(2098) - 1074);
      d[i] = r.nextBoolean() ? mag : -mag;
    }
    return d;
  }

  private static BigDecimal exact(double[] d) {
    BigDecimal s = BigDecimal.ZERO;
    for (double x : d) {
      s = s.add(new BigDecimal(x));
    }
    return s;
  }

  @Test
  void sumOfValuesOfEveryMagnitudeIsExact() {
    Random r = new Random(1);
    for (int round = 0; round < 20; round++) {
      double[] d = wideDoubles(r, 200);
      ExactSum s = new ExactSum();
      for (double x : d) {
        s.add(x);
      }
      BigDecimal want = exact(d);
      assertEquals(0, want.compareTo(s.toBigDecimal()));
      // BigDecimal.doubleValue is correctly rounded (JDK 17: exact fast path or parseDouble).
      assertEquals(want.doubleValue(), s.doubleValue());
    }
  }

  @Test
  void cancellationKeepsSmallTerms() {
    // 1e300 + 1 - 1e300 is 0 in double arithmetic, 1 exactly.
    ExactSum s = new ExactSum().add(1e300).add(1).add(-1e300);
    assertEquals(1.0, s.doubleValue());
    ExactSum t = new ExactSum().add(Double.MIN_VALUE).add(Double.MAX_VALUE)
        .add(-Double.MAX_VALUE);
    assertEquals(Double.MIN_VALUE, t.doubleValue());
  }

  @Test
  void roundsHalfToEvenOnceAtTheEnd() {
    // 1 + 2^-53 is exactly halfway between 1 and 1 + 2^-52: ties to even gives 1.
    assertEquals(1.0, new ExactSum().add(1).add(0x1p-53).doubleValue());
    // 1 + 2^-53 + 2^-100 is just above halfway: rounds up.
    assertEquals(1.0 + 0x1p-52, new ExactSum().add(1).add(0x1p-53).add(0x1p-100).doubleValue());
    // (1 + 2^-52) + 2^-53 is halfway with an odd last bit: rounds up to 1 + 2^-51.
    assertEquals(1.0 + 0x1p-51, new ExactSum().add(1 + 0x1p-52).add(0x1p-53).doubleValue());
  }

  @Test
  void overflowingSumIsInfiniteButRecoverable() {
    ExactSum s = new ExactSum().add(Double.MAX_VALUE).add(Double.MAX_VALUE);
    assertEquals(Double.POSITIVE_INFINITY, s.doubleValue());
    s.add(-Double.MAX_VALUE);
    assertEquals(Double.MAX_VALUE, s.doubleValue());
    ExactSum neg = new ExactSum().add(-Double.MAX_VALUE).add(-Double.MAX_VALUE);
    assertEquals(Double.NEGATIVE_INFINITY, neg.doubleValue());
  }

  @Test
  void anySplitMergedInAnyOrderIsIdentical() {
    Random r = new Random(2);
    double[] d = wideDoubles(r, 300);
    ExactSum single = new ExactSum();
    for (double x : d) {
      single.add(x);
    }
    for (int k = 1; k <= 16; k++) {
      int[] cuts = TestArrays.cuts(r, d.length, k);
      ExactSum[] parts = new ExactSum[k];
      for (int p = 0; p < k; p++) {
        parts[p] = new ExactSum();
        for (int i = cuts[p]; i < cuts[p + 1]; i++) {
          parts[p].add(d[i]);
        }
      }
      List<Integer> order = TestArrays.order(r, k);
      ExactSum merged = parts[order.get(0)];
      for (int p = 1; p < k; p++) {
        merged.merge(parts[order.get(p)]);
      }
      assertEquals(single, merged, "k = " + k);
      assertEquals(single.doubleValue(), merged.doubleValue());
      assertEquals(single.toBigDecimal(), merged.toBigDecimal());
    }
  }

  @Test
  void mergeWithItselfDoubles() {
    ExactSum s = new ExactSum().add(1.5).add(-0.25);
    s.merge(s);
    assertEquals(2.5, s.doubleValue());
  }

  @Test
  void emptySumIsZero() {
    ExactSum s = new ExactSum();
    assertTrue(s.isZero());
    assertEquals(0.0, s.doubleValue());
    assertEquals(BigDecimal.ZERO, s.toBigDecimal());
    assertTrue(new ExactSum().add(3).add(-3).isZero());
  }

  @Test
  void bytesRoundTripNegativeAndHugeValues() {
    for (double v : new double[] {0, 1, -1, -Double.MAX_VALUE, Double.MIN_VALUE, -0x1p-1000,
        1e300}) {
      ExactSum s = new ExactSum().add(v).add(v);
      ByteBuffer buf = ByteBuffer.allocate(s.serializedSize()).order(ByteOrder.LITTLE_ENDIAN);
      s.writeTo(buf);
      buf.flip();
      ExactSum back = ExactSum.readFrom(buf);
      assertEquals(s, back);
      assertEquals(s.doubleValue(), back.doubleValue());
    }
  }

  @Test
  void zeroSerializesAsOneByte() {
    // int32 length 1, then the single byte 0x00.
    ExactSum zero = new ExactSum();
    ByteBuffer buf = ByteBuffer.allocate(zero.serializedSize()).order(ByteOrder.LITTLE_ENDIAN);
    zero.writeTo(buf);
    assertEquals(5, buf.position());
    assertEquals(1, buf.getInt(0));
    assertEquals(0, buf.get(4));
  }

  @Test
  void smallValueSerializesLittleEndian() {
    // 1.0 = 2^1074 units of 2^-1074: two's complement 0x04 followed by 134 zero bytes, reversed.
    ExactSum one = new ExactSum().add(1.0);
    ByteBuffer buf = ByteBuffer.allocate(one.serializedSize()).order(ByteOrder.LITTLE_ENDIAN);
    one.writeTo(buf);
    assertEquals(135, buf.getInt(0));
    assertEquals(0, buf.get(4));
    assertEquals(4, buf.get(4 + 134));
  }

  @Test
  void rejectsNonFiniteValues() {
    QcalException e = assertThrows(QcalException.class, () -> new ExactSum().add(Double.NaN));
    assertEquals("ExactSum value must be finite, got NaN", e.getMessage());
    assertThrows(QcalException.class, () -> new ExactSum().add(Double.NEGATIVE_INFINITY));
  }

  @Test
  void rejectsBadLength() {
    ByteBuffer buf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 100000);
    QcalException e = assertThrows(QcalException.class, () -> ExactSum.readFrom(buf));
    assertTrue(e.getMessage().endsWith("got 100000"), e.getMessage());
  }
}
