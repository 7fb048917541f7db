package org.qcal.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import org.qcal.QcalException;
import org.qcal.jobs.data.BadRow;
import scala.reflect.ClassTag$;
import scala.reflect.ClassTag;

/**
 * The validation pass's partial in its documented byte layout: bytes -> partial -> bytes is the
 * identity, merges of read-back partials equal merges of the originals, and it crosses Spark's
 * Kryo configured as in production (qcal's registrator, registration required).
 */
class ValidationPartialTest {
  private static final int[] TENSORS = {3, 1};
  private static final int OUTPUTS = 2;
  private static final int CLASSES = 4;

  /** Rows {@code from .. to} of a made-up data set, as a task would fill them. */
  private static ValidationPartial partial(int from, int to) {
    ValidationPartial p = new ValidationPartial(OUTPUTS, TENSORS);
    for (int row = from; row < to; row++) {
      Random r = new Random(row); // a row's values depend on the row alone
      float[] ref = values(r, CLASSES);
      long[] label = {r.nextInt(CLASSES)};
      p.reference.update(ref, 0, 1, CLASSES, label, null);
      for (int k = 0; k < TENSORS.length; k++) {
        float[] cand = noisy(r, ref);
        p.counts[k].update(cand, 0, 1, CLASSES, label, new int[] {argmax(ref)});
        p.agreement[k].updateMap(ref, cand, CLASSES, 0.5f).updatePositions(ref, cand, 1, 1,
            CLASSES, 1);
        for (int o = 0; o < OUTPUTS; o++) {
          p.outputs[k][o].update(ref, 0, noisy(r, ref), 0, CLASSES);
        }
        for (int t = 0; t < TENSORS[k]; t++) {
          float[] x = values(r, 6);
          p.tensors[k][t].updateBatch(x, 0, noisy(r, x), 0, new long[] {6}, 1);
        }
      }
      p.rows++;
      p.referenceNanos += 1_000 + row;
      p.candidateNanos += 2_000 + row;
      p.metricNanos += 3;
    }
    return p;
  }

  private static float[] values(Random r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  private static float[] noisy(Random r, float[] x) {
    float[] y = x.clone();
    for (int i = 0; i < y.length; i++) {
      y[i] += (float) (r.nextGaussian() * 0.05);
    }
    return y;
  }

  private static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      best = v[i] > v[best] ? i : best;
    }
    return best;
  }

  private static ValidationPartial read(ValidationPartial p) {
    return ValidationPartial.fromByteArray(p.toByteArray());
  }

  @Test
  void bytesToPartialToBytesIsTheIdentity() {
    ValidationPartial p = partial(0, 20);
    p.badRow = new BadRow("file:/data/part-0.parquet", 0, 7, "row 7: column 'x' is null");
    byte[] bytes = p.toByteArray();
    ValidationPartial back = ValidationPartial.fromByteArray(bytes);
    assertArrayEquals(bytes, back.toByteArray());
    assertEquals(20, back.rows());
    assertEquals(p.referenceNanos, back.referenceNanos);
    assertEquals(p.candidateNanos, back.candidateNanos);
    assertEquals(p.metricNanos, back.metricNanos);
    assertEquals(p.badRow, back.badRow);
    assertEquals(p.reference, back.reference);
    for (int k = 0; k < TENSORS.length; k++) {
      assertEquals(p.counts[k], back.counts[k]);
      assertArrayEquals(p.agreement[k].toByteArray(), back.agreement[k].toByteArray());
      assertArrayEquals(p.outputs[k], back.outputs[k]);
      assertArrayEquals(p.tensors[k], back.tensors[k]);
    }
    ValidationPartial empty = new ValidationPartial(OUTPUTS, TENSORS);
    assertArrayEquals(empty.toByteArray(), read(empty).toByteArray());
    assertNull(read(empty).badRow);
  }

  @Test
  void layoutStartsAsItsTableSays() {
    ByteBuffer b = ByteBuffer.wrap(partial(0, 5).toByteArray())
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    assertEquals(1, b.get()); // format version
    assertEquals(6, b.get()); // family: ValidationPartial
    assertEquals(0, b.getShort());
    assertEquals(5, b.getLong()); // rows
    assertEquals(5 * 1_000 + 10, b.getLong()); // referenceNanos
    b.getLong();
    assertEquals(15, b.getLong()); // metricNanos
    assertEquals(0, b.getInt()); // no bad row
    assertEquals(52, b.getInt()); // the FP32 ClassificationCounts
    assertEquals(1, b.get());
    assertEquals(4, b.get()); // family: ClassificationCounts
    b.position(b.position() + 50);
    assertEquals(2, b.getInt()); // candidates
    assertEquals(52, b.getInt()); // candidate 0: ClassificationCounts
    b.position(b.position() + 52);
    assertEquals(68, b.getInt()); // its OutputAgreement
    b.position(b.position() + 68);
    assertEquals(OUTPUTS, b.getInt()); // its outputs' ErrorSums
    int length = b.getInt();
    assertEquals(1, b.get());
    assertEquals(3, b.get()); // family: ErrorSums
    b.position(b.position() + length - 2);
    length = b.getInt(); // the second output's
    b.position(b.position() + length);
    assertEquals(3, b.getInt()); // its tensors' ErrorSums
  }

  @Test
  void mergeOfReadBackPartialsEqualsMergeOfOriginalsAndOfOnePartition() {
    byte[] whole = partial(0, 30).toByteArray();
    ValidationPartial a = partial(0, 11);
    ValidationPartial b = partial(11, 12);
    ValidationPartial c = partial(12, 30);
    byte[] originals = new ValidationPartial(OUTPUTS, TENSORS).merge(c).merge(a).merge(b)
        .toByteArray();
    assertArrayEquals(whole, originals, "partition and merge order do not matter");
    assertArrayEquals(originals, read(b).merge(read(a)).merge(read(c)).toByteArray());
  }

  @Test
  void mergeKeepsTheEarliestBadRowThroughTheBytes() {
    ValidationPartial a = partial(0, 3);
    ValidationPartial b = partial(3, 6);
    a.badRow = new BadRow("file:/d/b.parquet", 0, 2, "late");
    b.badRow = new BadRow("file:/d/a.parquet", 0, 9, "early");
    ValidationPartial merged = read(a).merge(read(b));
    assertEquals("early", merged.badRow.message());
    QcalException e = assertThrows(QcalException.class, merged::requireNoBadRow);
    assertEquals("early", e.getMessage());
  }

  @Test
  void malformedBytesAreRefusedWithOneLine() {
    byte[] good = partial(0, 4).toByteArray();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ValidationPartial.fromByteArray(Arrays.copyOf(good, good.length - 3)));
    assertTrue(e.getMessage().startsWith("ValidationPartial bytes"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> ValidationPartial.fromByteArray(Arrays.copyOf(good, good.length + 1)));
    assertEquals("ValidationPartial bytes are malformed: ValidationPartial bytes must end after"
        + " the state, got 1 extra bytes", e.getMessage());
    byte[] family = good.clone();
    family[1] = 1;
    e = assertThrows(IllegalArgumentException.class,
        () -> ValidationPartial.fromByteArray(family));
    assertEquals("ValidationPartial bytes are malformed: ValidationPartial family byte must be"
        + " 6, got 1", e.getMessage());
    ValidationPartial noCandidates = new ValidationPartial(OUTPUTS, new int[0]);
    byte[] candidates = noCandidates.toByteArray();
    candidates[candidates.length - 1] = (byte) 0x80; // n < 0
    e = assertThrows(IllegalArgumentException.class,
        () -> ValidationPartial.fromByteArray(candidates));
    assertTrue(e.getMessage().contains("candidates must be in [0, "), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> ValidationPartial.fromByteArray(new byte[] {1, 6}));
    assertThrows(IllegalArgumentException.class, () -> ValidationPartial.fromByteArray(null));
  }

  @Test
  void crossesKryoWithRegistrationRequired() {
    SparkConf conf = SparkSessions.applyQcalDefaults(new SparkConf(false));
    assertEquals("true", conf.get("spark.kryo.registrationRequired"));
    SerializerInstance kryo = new KryoSerializer(conf).newInstance();
    ClassTag<Object> tag = ClassTag$.MODULE$.AnyRef();
    ValidationPartial a = partial(0, 9);
    a.badRow = new BadRow(null, 3, -1, "partition 3: bad image");
    ValidationPartial b = partial(9, 17);
    ValidationPartial backA = (ValidationPartial) kryo.deserialize(kryo.serialize(a, tag), tag);
    ValidationPartial backB = (ValidationPartial) kryo.deserialize(kryo.serialize(b, tag), tag);
    assertNotSame(a, backA);
    assertArrayEquals(a.toByteArray(), backA.toByteArray());
    assertEquals(a.badRow, backA.badRow);
    byte[] local = new ValidationPartial(OUTPUTS, TENSORS).merge(a).merge(b).toByteArray();
    assertArrayEquals(local, backA.merge(backB).toByteArray());
    ValidationPartial[] array = {partial(0, 1), partial(1, 2)};
    ValidationPartial[] backArray =
        (ValidationPartial[]) kryo.deserialize(kryo.serialize(array, tag), tag);
    assertArrayEquals(array[1].toByteArray(), backArray[1].toByteArray());
  }
}
