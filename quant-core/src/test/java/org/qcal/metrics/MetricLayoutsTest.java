package org.qcal.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.qcal.QcalException;

/**
 * The documented byte layouts of the validation metrics: bytes -> object -> bytes is the
 * identity, a merge of read-back states equals the merge of the originals, and malformed bytes
 * are refused with one line.
 */
class MetricLayoutsTest {
  private static float[] values(Random r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(9) - 4));
    }
    v[0] = Float.NaN; // skipped by the sums, counted in the elements
    v[1] = -0.0f;
    return v;
  }

  private static ErrorSums errorSums(long seed) {
    Random r = new Random(seed);
    float[] x = values(r, 60);
    float[] y = x.clone();
    for (int i = 0; i < y.length; i++) {
      y[i] += (float) (r.nextGaussian() * 1e-3);
    }
    ErrorSums e = new ErrorSums().updateRows(x, 0, y, 0, 5, 12);
    return e.updateBatch(x, 0, y, 0, new long[] {12, 5}, 5); // not batch-first: per element
  }

  private static final float[] SCORES = {
    0.1f, 0.5f, 0.2f, 0.0f, 0.0f, 0.0f,
    0.6f, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f,
    0.6f, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f,
  };

  private static ClassificationCounts counts(int rows) {
    return new ClassificationCounts().update(SCORES, 0, rows, 6, new long[] {1, 1, 2},
        new int[] {1, 0, 3});
  }

  private static OutputAgreement agreement(int rows) {
    float[] ref = {0.9f, 0.6f, 0.4f, 0.7f, 0.1f, 0.3f};
    float[] cand = {0.5f, 0.8f, 0.51f, 0.99f, 0.2f, 0.7f};
    return new OutputAgreement().updateMap(ref, cand, 2 * rows, 0.5f)
        .updatePositions(ref, cand, rows, 1, 2, 1);
  }

  /**
   * bytes -> object -> bytes is the identity, and the merge of read-back states equals the merge
   * of the originals (into an {@code empty} one, as they are not to change).
   */
  private static <T> void roundTrips(T a, T b, Supplier<T> empty, Function<T, byte[]> write,
      Function<byte[], T> read, BinaryOperator<T> merge) {
    byte[] bytes = write.apply(a);
    assertArrayEquals(bytes, write.apply(read.apply(bytes)));
    byte[] merged = write.apply(merge.apply(merge.apply(empty.get(), a), b));
    T readA = read.apply(write.apply(a));
    T readB = read.apply(write.apply(b));
    assertArrayEquals(merged, write.apply(merge.apply(readA, readB)));
  }

  @Test
  void errorSumsRoundTripAndMerge() {
    ErrorSums a = errorSums(1);
    ErrorSums back = ErrorSums.fromByteArray(a.toByteArray());
    assertEquals(a, back);
    assertEquals(a.sqnrDb(), back.sqnrDb());
    assertEquals(10, back.samples()); // 5 rows, then 5 rows not batch-first
    roundTrips(a, errorSums(2), ErrorSums::new, ErrorSums::toByteArray,
        ErrorSums::fromByteArray, ErrorSums::merge);
    roundTrips(new ErrorSums(), a, ErrorSums::new, ErrorSums::toByteArray,
        ErrorSums::fromByteArray, ErrorSums::merge);
    // Read-back sums keep accumulating exactly as the originals.
    float[] x = {1, 2, 3};
    float[] y = {1, 2, 2};
    assertEquals(a.copy().update(x, 0, y, 0, 3), back.update(x, 0, y, 0, 3));
  }

  @Test
  void classificationCountsRoundTripAndMerge() {
    ClassificationCounts c = counts(3);
    assertEquals(c, ClassificationCounts.fromByteArray(c.toByteArray()));
    roundTrips(c, counts(2), ClassificationCounts::new, ClassificationCounts::toByteArray,
        ClassificationCounts::fromByteArray, ClassificationCounts::merge);
    assertEquals(52, c.toByteArray().length);
  }

  @Test
  void outputAgreementRoundTripAndMerge() {
    OutputAgreement a = agreement(3);
    OutputAgreement back = OutputAgreement.fromByteArray(a.toByteArray());
    assertEquals(a.union(), back.union());
    assertEquals(a.rowsEqual(), back.rowsEqual());
    roundTrips(a, agreement(1), OutputAgreement::new, OutputAgreement::toByteArray,
        OutputAgreement::fromByteArray, OutputAgreement::merge);
    assertEquals(68, a.toByteArray().length);
  }

  @Test
  void layoutsStartWithVersionFamilyAndLittleEndianCounts() {
    byte[] e = errorSums(3).toByteArray();
    assertArrayEquals(new byte[] {1, 3, 0, 0, 10, 0}, Arrays.copyOf(e, 6)); // 10 samples
    byte[] c = counts(3).toByteArray();
    assertArrayEquals(new byte[] {1, 4, 0, 0, 3, 0}, Arrays.copyOf(c, 6)); // 3 samples
    byte[] a = agreement(3).toByteArray();
    assertArrayEquals(new byte[] {1, 5, 0, 0, 3, 0}, Arrays.copyOf(a, 6)); // 3 positions
  }

  @Test
  void rejectsMalformedBytes() {
    byte[] c = counts(3).toByteArray();
    byte[] family = c.clone();
    family[1] = 5;
    QcalException e = assertThrows(QcalException.class,
        () -> ClassificationCounts.fromByteArray(family));
    assertEquals("ClassificationCounts family byte must be 4, got 5", e.getMessage());
    e = assertThrows(QcalException.class,
        () -> ClassificationCounts.fromByteArray(Arrays.copyOf(c, 51)));
    assertEquals("ClassificationCounts bytes after the preamble must be 48 bytes (6 counts),"
        + " got 47", e.getMessage());
    e = assertThrows(QcalException.class,
        () -> ClassificationCounts.fromByteArray(new byte[] {1, 4}));
    assertEquals("ClassificationCounts bytes must hold a complete state, got 2 bytes",
        e.getMessage());
    byte[] moreTop1 = c.clone();
    moreTop1[20] = 9; // top-1 9 > top-5
    e = assertThrows(QcalException.class, () -> ClassificationCounts.fromByteArray(moreTop1));
    assertTrue(e.getMessage().startsWith("ClassificationCounts must be top-1 <= top-5"),
        e.getMessage());
    byte[] negative = c.clone();
    negative[11] = (byte) 0x80; // samples < 0
    e = assertThrows(QcalException.class, () -> ClassificationCounts.fromByteArray(negative));
    assertEquals("ClassificationCounts count 0 must be >= 0, got " + (Long.MIN_VALUE + 3),
        e.getMessage());

    byte[] a = agreement(3).toByteArray();
    byte[] wider = a.clone();
    wider[60] = 0; // union 0 < intersection
    e = assertThrows(QcalException.class, () -> OutputAgreement.fromByteArray(wider));
    assertTrue(e.getMessage().startsWith("OutputAgreement counts must be"), e.getMessage());

    byte[] s = errorSums(4).toByteArray();
    byte[] version = s.clone();
    version[0] = 2;
    e = assertThrows(QcalException.class, () -> ErrorSums.fromByteArray(version));
    assertEquals("ErrorSums format version must be 1, got 2", e.getMessage());
    e = assertThrows(QcalException.class, () -> ErrorSums.fromByteArray(Arrays.copyOf(s, 10)));
    assertEquals("ErrorSums bytes must hold a complete state, got 10 bytes", e.getMessage());
    e = assertThrows(QcalException.class,
        () -> ErrorSums.fromByteArray(Arrays.copyOf(s, s.length + 1)));
    assertTrue(e.getMessage().endsWith("got 1 extra bytes"), e.getMessage());
    assertThrows(QcalException.class, () -> ErrorSums.fromByteArray(null));
  }
}
