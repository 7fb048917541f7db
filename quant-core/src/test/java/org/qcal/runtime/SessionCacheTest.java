package org.qcal.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.qcal.ElementType;
import org.qcal.QcalException;

class SessionCacheTest {

  @Test
  void sameDigestTwiceLoadsOnce() {
    ModelSource model = TestModels.fresh("add_relu.onnx");
    try (ModelRunner first = ModelRunner.open(model, RuntimeOptions.DEFAULTS);
        ModelRunner second = ModelRunner.open(model, RuntimeOptions.DEFAULTS)) {
      assertEquals(1, SessionCache.loadCount(model.digest()));
      assertArrayEquals(run(first), run(second));
    }
    try (ModelRunner third = ModelRunner.open(model, RuntimeOptions.DEFAULTS)) {
      // All runners closed in between, and still no reload: sessions live until evicted.
      assertArrayEquals(new float[] {2, 0, 4}, run(third));
      assertEquals(1, SessionCache.loadCount(model.digest()));
    }
    SessionCache.evict(model.digest());
  }

  @Test
  void sameBytesUnderAnotherNameShareTheSession() {
    ModelSource model = TestModels.fresh("add_relu.onnx");
    ModelSource renamed = ModelSource.of("hdfs:///models/copy.onnx", model.digest(), model.bytes());
    try (ModelRunner a = ModelRunner.open(model, RuntimeOptions.DEFAULTS);
        ModelRunner b = ModelRunner.open(renamed, RuntimeOptions.DEFAULTS)) {
      assertArrayEquals(run(a), run(b));
      assertEquals(1, SessionCache.loadCount(model.digest()));
    }
    SessionCache.evict(model.digest());
  }

  @Test
  void concurrentTasksLoadOnce() throws Exception {
    ModelSource model = TestModels.fresh("add_relu.onnx");
    int tasks = 8;
    ExecutorService pool = Executors.newFixedThreadPool(tasks);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<float[]>> results = new ArrayList<>();
      for (int t = 0; t < tasks; t++) {
        results.add(pool.submit(() -> {
          start.await();
          try (ModelRunner runner = ModelRunner.open(model, RuntimeOptions.DEFAULTS)) {
            float[] last = null;
            for (int i = 0; i < 20; i++) {
              last = run(runner);
            }
            return last;
          }
        }));
      }
      start.countDown();
      for (Future<float[]> f : results) {
        assertArrayEquals(new float[] {2, 0, 4}, f.get());
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, SessionCache.loadCount(model.digest()));
    SessionCache.evict(model.digest());
  }

  @Test
  void otherOptionsAreAnotherSession() {
    ModelSource model = TestModels.fresh("add_relu.onnx");
    try (ModelRunner a = ModelRunner.open(model, RuntimeOptions.DEFAULTS);
        ModelRunner b = ModelRunner.open(model, RuntimeOptions.withThreads(2))) {
      assertArrayEquals(run(a), run(b));
      assertEquals(2, SessionCache.loadCount(model.digest()));
    }
    assertEquals(2, SessionCache.evict(model.digest()));
  }

  @Test
  void evictionWaitsForOpenRunnersThenNextOpenReloads() {
    ModelSource model = TestModels.fresh("add_relu.onnx");
    ModelRunner open = ModelRunner.open(model, RuntimeOptions.DEFAULTS);
    assertEquals(1, SessionCache.evict(model.digest()));
    assertFalse(SessionCache.isCached(model.digest()));
    // The evicted session is still alive for the runner that holds it.
    assertArrayEquals(new float[] {2, 0, 4}, run(open));
    open.close();
    try (ModelRunner again = ModelRunner.open(model, RuntimeOptions.DEFAULTS)) {
      assertTrue(SessionCache.isCached(model.digest()));
      assertEquals(2, SessionCache.loadCount(model.digest()));
      assertArrayEquals(new float[] {2, 0, 4}, run(again));
    }
    SessionCache.evict(model.digest());
  }

  @Test
  void signatureDescribesInputsAndOutputs() {
    ModelSignature sig = SessionCache.signature(TestModels.tiny("embedding.onnx"),
        RuntimeOptions.DEFAULTS);
    assertEquals(List.of("ids"), sig.inputs().stream().map(TensorSpec::name).toList());
    assertEquals(ElementType.INT64, sig.input("ids").type());
    assertArrayEquals(new long[] {-1, -1}, sig.input("ids").shape());
    assertEquals(List.of("emb", "next_ids"), sig.outputs().stream().map(TensorSpec::name).toList());
    assertEquals(ElementType.FLOAT32, sig.output("emb").type());
    assertArrayEquals(new long[] {-1, -1, 2}, sig.output("emb").shape());
  }

  @Test
  void garbageBytesFailNamingTheModel() {
    byte[] garbage = new byte[64];
    Arrays.fill(garbage, (byte) 0x7f);
    assertLoadFails(ModelSource.of("garbage.onnx", garbage));
  }

  @Test
  void textFileFailsNamingTheModel() {
    assertLoadFails(ModelSource.of("notes.txt",
        "this is not an ONNX model\n".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void truncatedModelFailsNamingTheModel() {
    byte[] bytes = TestModels.tiny("add_relu.onnx").bytes();
    assertLoadFails(ModelSource.of("truncated.onnx", Arrays.copyOf(bytes, bytes.length / 2)));
  }

  @Test
  void emptyModelFailsNamingTheModel() {
    QcalException e = assertLoadFails(ModelSource.of("empty.onnx", new byte[0]));
    assertTrue(e.getMessage().contains("empty"), e.getMessage());
  }

  @Test
  void failedLoadIsNotCachedAndIsRetried() {
    ModelSource bad = ModelSource.of("bad.onnx", new byte[] {1, 2, 3});
    assertThrows(QcalException.class, () -> ModelRunner.open(bad, RuntimeOptions.DEFAULTS));
    assertThrows(QcalException.class, () -> ModelRunner.open(bad, RuntimeOptions.DEFAULTS));
    assertEquals(0, SessionCache.loadCount(bad.digest()));
    SessionCache.evict(bad.digest());
  }

  private static QcalException assertLoadFails(ModelSource source) {
    QcalException e = assertThrows(QcalException.class,
        () -> ModelRunner.open(source, RuntimeOptions.DEFAULTS));
    assertTrue(e.getMessage().contains("'" + source.name() + "'"), e.getMessage());
    assertEquals(0, SessionCache.loadCount(source.digest()));
    return e;
  }

  private static float[] run(ModelRunner runner) {
    return runner.setFloats("a", new float[] {1, -2, 3}, 1, 3)
        .setFloats("b", new float[] {1, 1, 1}, 1, 3).run().floats("y");
  }
}
