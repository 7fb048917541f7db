package org.qcal.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.qcal.jobs.spark.PassPartial;
import org.qcal.jobs.spark.SparkSessions;
import org.qcal.stats.Histogram;
import org.qcal.stats.HistogramGrid;
import org.qcal.stats.TensorStats;
import scala.reflect.ClassTag$;
import scala.reflect.ClassTag;

/**
 * What the passes return travels through Spark's own KryoSerializer, configured as in production
 * (qcal's registrator, registration required), and comes back bit-identical: compared through
 * the documented byte layouts, so a lost bit of a count, a min or an exact sum shows.
 */
class KryoStatsTest {
  private static SerializerInstance kryo;

  @BeforeAll
  static void serializer() {
    SparkConf conf = SparkSessions.applyQcalDefaults(new SparkConf(false));
    assertEquals("true", conf.get("spark.kryo.registrationRequired"));
    kryo = new KryoSerializer(conf).newInstance();
  }

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T value) {
    ClassTag<Object> tag = ClassTag$.MODULE$.AnyRef();
    ByteBuffer bytes = kryo.serialize(value, tag);
    T back = (T) kryo.deserialize(bytes, tag);
    assertNotSame(value, back);
    return back;
  }

  /** Values chosen to exercise every field: NaN, both infinities, -0.0, tiny and huge values. */
  private static TensorStats stats() {
    TensorStats s = new TensorStats();
    s.update(new float[] {1.5f, -2.25f, Float.NaN, 0.1f});
    s.update(new float[] {Float.POSITIVE_INFINITY, -0.0f, 3e-38f, 7.0e30f});
    s.update(new float[] {Float.NEGATIVE_INFINITY, Float.NaN, Float.NaN, -1e-7f});
    s.updateBatch(new float[] {0.3f, 0.7f, -0.9f, 1.1f, 2.2f, -3.3f}, 0, 6, 3);
    return s;
  }

  private static Histogram histogram() {
    HistogramGrid grid = HistogramGrid.of(-3.3f, 7.0f, 128);
    Histogram h = new Histogram(grid);
    h.update(new float[] {-3.3f, -1f, 0f, -0.0f, 0.001f, 7.0f, 6.99f, Float.NaN,
        Float.POSITIVE_INFINITY, 2.5f, 2.5f});
    return h;
  }

  /** Not registered anywhere: proves the serializer under test really requires registration. */
  private record Unregistered(int x) {}

  @Test
  void serializerRefusesUnregisteredClassAsProductionDoes() {
    Exception e = assertThrows(Exception.class,
        () -> kryo.serialize(new Unregistered(1), ClassTag$.MODULE$.AnyRef()));
    assertTrue(String.valueOf(e.getMessage()).contains("Class is not registered"), e.toString());
  }

  @Test
  void tensorStatsRoundTripBitIdentical() {
    TensorStats s = stats();
    TensorStats back = roundTrip(s);
    assertArrayEquals(s.toByteArray(), back.toByteArray());
    // The counts as put in: 4 + 4 + 4 + 6 values; NaN 1 + 2; +Inf 1; -Inf 1; 3 + 3 samples.
    assertEquals(18, back.count());
    assertEquals(3, back.nanCount());
    assertEquals(1, back.posInfCount());
    assertEquals(1, back.negInfCount());
    assertEquals(6, back.samples());
  }

  @Test
  void emptyTensorStatsRoundTripBitIdentical() {
    TensorStats empty = new TensorStats();
    assertArrayEquals(empty.toByteArray(), roundTrip(empty).toByteArray());
  }

  @Test
  void histogramRoundTripsBitIdentical() {
    Histogram h = histogram();
    Histogram back = roundTrip(h);
    assertArrayEquals(h.toByteArray(), back.toByteArray());
    assertEquals(h.grid(), back.grid());
    assertArrayEquals(h.counts(), back.counts());
  }

  @Test
  void histogramGridRoundTrips() {
    HistogramGrid grid = HistogramGrid.of(-3.3f, 7.0f, 2048);
    HistogramGrid back = roundTrip(grid);
    assertEquals(grid, back);
    assertEquals(Float.floatToRawIntBits(grid.width()), Float.floatToRawIntBits(back.width()));
  }

  @Test
  void statsPassPartialRoundTripsBitIdentical() {
    PassPartial p = PassPartial.ofStats(2);
    p.stats[0].merge(stats());
    p.stats[1].update(new float[] {Float.NaN, Float.NaN}); // a tensor without a finite value
    p.rows = 6;
    p.inferenceNanos = 123_456_789L;
    p.copyNanos = 42L;
    p.kernelNanos = Long.MAX_VALUE;
    PassPartial back = roundTrip(p);
    assertEquals(6, back.rows());
    assertEquals(123_456_789L, back.inferenceNanos);
    assertEquals(42L, back.copyNanos);
    assertEquals(Long.MAX_VALUE, back.kernelNanos);
    assertNull(back.histograms());
    assertEquals(2, back.stats().length);
    for (int i = 0; i < 2; i++) {
      assertArrayEquals(p.stats[i].toByteArray(), back.stats()[i].toByteArray());
    }
  }

  @Test
  void histogramPassPartialRoundTripsBitIdentical() {
    Histogram other = new Histogram(HistogramGrid.of(0f, 1f, 128));
    other.update(new float[] {0.25f, 0.5f, 1f});
    PassPartial p = PassPartial.ofHistograms(new Histogram[] {histogram(), other});
    p.rows = 3;
    PassPartial back = roundTrip(p);
    assertEquals(3, back.rows());
    assertNull(back.stats());
    assertEquals(2, back.histograms().length);
    for (int i = 0; i < 2; i++) {
      assertArrayEquals(p.histograms()[i].toByteArray(), back.histograms()[i].toByteArray());
    }
  }

  @Test
  void mergedPartialAfterRoundTripEqualsMergeBeforeIt() {
    // What treeReduce does: merge partials that crossed the wire. Same bytes either way.
    PassPartial a = PassPartial.ofStats(1);
    a.stats[0].merge(stats());
    a.rows = 6;
    PassPartial b = PassPartial.ofStats(1);
    b.stats[0].update(new float[] {-5f, 5f});
    b.rows = 1;
    byte[] local = PassPartial.ofStats(1).merge(a).merge(b).stats()[0].toByteArray();
    PassPartial wired = roundTrip(a).merge(roundTrip(b));
    assertEquals(7, wired.rows());
    assertArrayEquals(local, wired.stats()[0].toByteArray());
  }
}
