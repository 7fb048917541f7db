package org.qcal.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.qcal.ElementType;
import org.qcal.QcalException;

class ModelRunnerTest {
  private static final ModelSource ADD_RELU = TestModels.tiny("add_relu.onnx");
  private static final ModelSource EMBEDDING = TestModels.tiny("embedding.onnx");

  @Test
  void addReluGivesHandDerivedValues() {
    try (ModelRunner runner = ModelRunner.open(ADD_RELU, RuntimeOptions.DEFAULTS)) {
      ModelOutputs out = runner
          .setFloats("a", new float[] {1, -2, 3, 0.5f, -0.25f, -4}, 2, 3)
          .setFloats("b", new float[] {1, 1, -5, 0.25f, 0.5f, 4}, 2, 3)
          .run();
      assertEquals(List.of("y", "sum"), out.names());
      assertArrayEquals(new float[] {2, -1, -2, 0.75f, 0.25f, 0}, out.floats("sum"));
      assertArrayEquals(new float[] {2, 0, 0, 0.75f, 0.25f, 0}, out.floats("y"));
      assertArrayEquals(new long[] {2, 3}, out.shape("y"));
      assertEquals(ElementType.FLOAT32, out.get("y").type());
    }
  }

  @Test
  void dynamicBatchSizesOneAndSevenInOneRunner() {
    try (ModelRunner runner = ModelRunner.open(ADD_RELU, RuntimeOptions.DEFAULTS)) {
      for (int batch : new int[] {7, 1, 7}) { // shrink, then grow back into the same buffers
        float[] a = new float[batch * 3];
        float[] b = new float[batch * 3];
        float[] expected = new float[batch * 3];
        for (int i = 0; i < a.length; i++) {
          a[i] = i - 10;
          b[i] = 0.5f * i;
          expected[i] = Math.max(0, a[i] + b[i]);
        }
        ModelOutputs out = runner.setFloats("a", a, batch, 3).setFloats("b", b, batch, 3).run();
        assertArrayEquals(new long[] {batch, 3}, out.shape("y"));
        assertArrayEquals(expected, out.floats("y"), "batch " + batch);
      }
    }
  }

  @Test
  void rowsWrittenIntoTheStagingBufferAreFed() {
    try (ModelRunner runner = ModelRunner.open(ADD_RELU, RuntimeOptions.DEFAULTS)) {
      long[] shape = runner.signature().input("a").shapeForBatch(2);
      FloatBuffer a = runner.floatInput("a", shape);
      assertEquals(6, a.remaining());
      a.put(new float[] {1, 2, 3}).put(new float[] {4, 5, 6});
      runner.setFloats("b", new float[] {-1, -1, -1, -10, 0, 10}, shape);
      assertArrayEquals(new float[] {0, 1, 2, 0, 5, 16}, runner.run().floats("y"));
    }
  }

  @Test
  void slicedArrayInputUsesOnlyTheSlice() {
    float[] rows = {99, 99, 1, 2, 3, 99};
    try (ModelRunner runner = ModelRunner.open(ADD_RELU, RuntimeOptions.DEFAULTS)) {
      ModelOutputs out = runner.setFloatSlice("a", rows, 2, new long[] {1, 3})
          .setFloats("b", new float[] {0, 0, 0}, 1, 3).run();
      assertArrayEquals(new float[] {1, 2, 3}, out.floats("sum"));
      QcalException e = assertThrows(QcalException.class,
          () -> runner.setFloatSlice("a", rows, 4, new long[] {1, 3}));
      assertTrue(e.getMessage().contains("got off 4, len 3"), e.getMessage());
    }
  }

  @Test
  void int64TokenIdsRunThroughGather() {
    try (ModelRunner runner = ModelRunner.open(EMBEDDING, RuntimeOptions.DEFAULTS)) {
      ModelOutputs out = runner.setLongs("ids", new long[] {0, 4, 2, 1, 1, 3}, 2, 3).run();
      // table[i] = [i, i + 0.5]
      assertArrayEquals(new float[] {0, 0.5f, 4, 4.5f, 2, 2.5f, 1, 1.5f, 1, 1.5f, 3, 3.5f},
          out.floats("emb"));
      assertArrayEquals(new long[] {2, 3, 2}, out.shape("emb"));
      assertArrayEquals(new long[] {1, 5, 3, 2, 2, 4}, out.longs("next_ids"));
      assertEquals(ElementType.INT64, out.get("next_ids").type());
    }
  }

  @Test
  void outputsStayReadableAfterClose() {
    ModelOutputs out;
    try (ModelRunner runner = ModelRunner.open(ADD_RELU, RuntimeOptions.DEFAULTS)) {
      out = runner.setFloats("a", new float[] {1, 2, 3}, 1, 3)
          .setFloats("b", new float[] {1, 1, 1}, 1, 3).run();
    }
    assertArrayEquals(new float[] {2, 3, 4}, out.floats("y"));
  }

  @Test
  void closingTwiceIsHarmlessAndUseAfterCloseFails() {
    ModelRunner runner = ModelRunner.open(ADD_RELU, RuntimeOptions.DEFAULTS);
    runner.close();
    assertDoesNotThrow(runner::close);
    assertThrows(IllegalStateException.class, runner::run);
  }

  @Test
  void rejectsUnknownInputNamingModelAndInputs() {
    try (ModelRunner runner = ModelRunner.open(ADD_RELU, RuntimeOptions.DEFAULTS)) {
      QcalException e = assertThrows(QcalException.class,
          () -> runner.setFloats("input", new float[3], 1, 3));
      assertTrue(e.getMessage().contains("add_relu.onnx"), e.getMessage());
      assertTrue(e.getMessage().contains("no input 'input'"), e.getMessage());
      assertTrue(e.getMessage().contains("a float32 [-1, 3]"), e.getMessage());
    }
  }

  @Test
  void rejectsWrongElementCount() {
    try (ModelRunner runner = ModelRunner.open(ADD_RELU, RuntimeOptions.DEFAULTS)) {
      QcalException e = assertThrows(QcalException.class,
          () -> runner.setFloats("a", new float[5], 2, 3));
      assertTrue(e.getMessage().contains("needs 6 values, got 5"), e.getMessage());
      assertTrue(e.getMessage().contains("add_relu.onnx"), e.getMessage());
    }
  }

  @Test
  void rejectsShapeThatContradictsTheModel() {
    try (ModelRunner runner = ModelRunner.open(ADD_RELU, RuntimeOptions.DEFAULTS)) {
      QcalException e = assertThrows(QcalException.class,
          () -> runner.setFloats("a", new float[8], 2, 4));
      assertTrue(e.getMessage().contains("must have shape [-1, 3]"), e.getMessage());
      assertThrows(QcalException.class, () -> runner.setFloats("a", new float[6], 6));
    }
  }

  @Test
  void rejectsFloatDataForInt64Input() {
    try (ModelRunner runner = ModelRunner.open(EMBEDDING, RuntimeOptions.DEFAULTS)) {
      QcalException e = assertThrows(QcalException.class,
          () -> runner.setFloats("ids", new float[2], 1, 2));
      assertTrue(e.getMessage().contains("'ids' is int64, got float32"), e.getMessage());
    }
  }

  @Test
  void runFailsWhenAnInputIsMissing() {
    try (ModelRunner runner = ModelRunner.open(ADD_RELU, RuntimeOptions.DEFAULTS)) {
      runner.setFloats("a", new float[3], 1, 3);
      QcalException e = assertThrows(QcalException.class, runner::run);
      assertTrue(e.getMessage().contains("[b] not set"), e.getMessage());
    }
  }

  @Test
  void everyBatchMustSetEveryInputAgain() {
    try (ModelRunner runner = ModelRunner.open(ADD_RELU, RuntimeOptions.DEFAULTS)) {
      runner.setFloats("a", new float[3], 1, 3).setFloats("b", new float[3], 1, 3).run();
      assertThrows(QcalException.class, runner::run);
    }
  }

  @Test
  void runtimeErrorOfOrtBecomesQcalExceptionNamingTheModel() {
    // Batch sizes 2 and 3 pass each input's own check but cannot be added together.
    try (ModelRunner runner = ModelRunner.open(ADD_RELU, RuntimeOptions.DEFAULTS)) {
      runner.setFloats("a", new float[6], 2, 3).setFloats("b", new float[9], 3, 3);
      QcalException e = assertThrows(QcalException.class, runner::run);
      assertTrue(e.getMessage().contains("add_relu.onnx"), e.getMessage());
      assertTrue(e.getMessage().contains("a[2, 3]"), e.getMessage());
      // The runner stays usable after a failed batch.
      ModelOutputs out = runner.setFloats("a", new float[] {1, 1, 1}, 1, 3)
          .setFloats("b", new float[] {1, 2, 3}, 1, 3).run();
      assertArrayEquals(new float[] {2, 3, 4}, out.floats("y"));
    }
  }

  @Test
  void readingAnOutputAsTheWrongTypeFails() {
    try (ModelRunner runner = ModelRunner.open(EMBEDDING, RuntimeOptions.DEFAULTS)) {
      ModelOutputs out = runner.setLongs("ids", new long[] {1}, 1, 1).run();
      assertThrows(QcalException.class, () -> out.floats("next_ids"));
      assertThrows(QcalException.class, () -> out.longs("emb"));
      assertThrows(QcalException.class, () -> out.get("logits"));
    }
  }

  @Test
  void intraOpThreadsAndOptLevelAreHonouredPerSession() {
    RuntimeOptions options = new RuntimeOptions(2, GraphOptLevel.NONE);
    try (ModelRunner runner = ModelRunner.open(ADD_RELU, options)) {
      ModelOutputs out = runner.setFloats("a", new float[] {-1, 0, 1}, 1, 3)
          .setFloats("b", new float[] {0, 0, 0}, 1, 3).run();
      assertArrayEquals(new float[] {0, 0, 1}, out.floats("y"));
    }
  }
}
