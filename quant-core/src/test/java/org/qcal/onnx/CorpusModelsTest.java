package org.qcal.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;
import org.qcal.quant.QuantParams;
import org.qcal.quant.QuantRule;
import org.qcal.quant.QuantType;
import org.qcal.runtime.ModelOutputs;
import org.qcal.runtime.ModelRunner;
import org.qcal.runtime.ModelSource;
import org.qcal.runtime.RuntimeOptions;

/**
 * The corpus of exported models (tools/corpus): each export computes what torch computed, its
 * calibration plan taps only batch-first activations, and its QDQ model runs. Tagged "corpus":
 * it generates the corpus (a few minutes) when python3-torch is installed, and is skipped
 * otherwise (fails under CI); {@code mvn verify} runs it when python3-torch is installed.
 */
@Tag("corpus")
class CorpusModelsTest {
  private static List<Corpus.Model> models;

  @BeforeAll
  static void corpus() {
    models = Corpus.models();
  }

  @TestFactory
  Stream<DynamicTest> exportsComputeWhatTorchComputed() {
    return models.stream().map(m -> dynamicTest(m.name(), () -> {
      ModelOutputs out = run(OnnxModel.load(m.file()).toByteArray(), m.inputs());
      for (var e : m.outputs().entrySet()) {
        float[] expected = e.getValue().floats();
        float[] actual = out.floats(e.getKey());
        assertEquals(expected.length, actual.length, e.getKey());
        for (int i = 0; i < expected.length; i++) {
          // float32 through a different kernel library: relative 1e-3 plus absolute 1e-4.
          float bound = 1e-4f + 1e-3f * Math.abs(expected[i]);
          assertTrue(Math.abs(expected[i] - actual[i]) <= bound, m.name() + " " + e.getKey()
              + "[" + i + "]: ORT " + actual[i] + ", torch " + expected[i]);
        }
      }
    }));
  }

  /**
   * Folding BatchNormalization changes what ONNX Runtime computes only by float rounding: W * s
   * is rounded once before the sums instead of the sums being scaled. Measured on the corpus the
   * difference stays far below the bound of the torch comparison above, which is kept.
   */
  @TestFactory
  Stream<DynamicTest> foldedModelsComputeWhatTheOriginalsCompute() {
    return models.stream().map(m -> dynamicTest(m.name(), () -> {
      OnnxModel original = OnnxModel.load(m.file());
      BatchNormFolding.Result folding = BatchNormFolding.fold(original);
      long left = folding.model().graph().getNodeList().stream()
          .filter(n -> n.getOpType().equals("BatchNormalization")).count();
      assertEquals(0, left, m.name() + ": every BatchNormalization of the corpus follows a Conv");
      ModelOutputs expected = run(original.toByteArray(), m.inputs());
      ModelOutputs actual = run(folding.model().toByteArray(), m.inputs());
      for (String output : m.outputs().keySet()) {
        float[] e = expected.floats(output);
        float[] a = actual.floats(output);
        for (int i = 0; i < e.length; i++) {
          float bound = 1e-4f + 1e-3f * Math.abs(e[i]);
          assertTrue(Math.abs(e[i] - a[i]) <= bound, m.name() + " " + output + "[" + i
              + "]: folded " + a[i] + ", original " + e[i]);
        }
      }
    }));
  }

  @TestFactory
  Stream<DynamicTest> tappedTensorsAreBatchFirstActivations() {
    return models.stream().map(m -> dynamicTest(m.name(), () -> {
      Tapped tapped = tap(m);
      long rows = m.inputs().values().iterator().next().shape()[0];
      List<String> notBatched = new ArrayList<>();
      for (String t : tapped.plan().tappedTensors()) {
        long[] shape = tapped.outputs().shape(tapped.tap().tapOutputs().get(t));
        if (shape.length == 0 || shape[0] != rows) {
          notBatched.add(t + " " + java.util.Arrays.toString(shape));
        }
      }
      assertEquals(List.of(), notBatched, m.name() + ": tapped tensors without the batch first");
    }));
  }

  @TestFactory
  Stream<DynamicTest> qdqModelsRunWithTheOriginalOutputs() {
    return models.stream().map(m -> dynamicTest(m.name(), () -> {
      Tapped tapped = tap(m);
      CalibrationPlan plan = tapped.plan();
      Map<String, QuantParams> params = new HashMap<>();
      for (String t : plan.tappedTensors()) {
        float lo = 0f;
        float hi = 0f;
        for (float v : tapped.outputs().floats(tapped.tap().tapOutputs().get(t))) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
        params.put(t, QuantParams.fromRange(lo, hi, QuantType.UINT8, QuantRule.ASYMMETRIC));
      }
      QdqModel qdq = QdqExporter.export(tapped.model(), plan, params,
          WeightQuantization.DEFAULT);
      ModelOutputs out = run(qdq.toByteArray(), m.inputs());
      for (var e : m.outputs().entrySet()) {
        assertArrayEquals(e.getValue().shape(), out.shape(e.getKey()), e.getKey());
        for (float v : out.floats(e.getKey())) {
          assertTrue(Float.isFinite(v), m.name() + " " + e.getKey() + " has " + v);
        }
      }
    }));
  }

  /**
   * A corpus model as qcal calibrates it (BatchNormalization folded), its plan, its tap model
   * and the tap model's outputs on the references.
   */
  private record Tapped(OnnxModel model, CalibrationPlan plan, TapModel tap,
      ModelOutputs outputs) {}

  private static Tapped tap(Corpus.Model m) {
    OnnxModel model = BatchNormFolding.fold(OnnxModel.load(m.file())).model();
    CalibrationPlan plan = GraphAnalyzer.analyze(model);
    TapModel tap = TapAugmenter.augment(model, plan);
    return new Tapped(model, plan, tap, run(tap.toByteArray(), m.inputs()));
  }

  /** One forward of {@code bytes} on the reference inputs (float or int64). */
  private static ModelOutputs run(byte[] bytes, Map<String, Corpus.Tensor> inputs) {
    ModelSource source = ModelSource.of("corpus-" + UUID.randomUUID(),
        "c-" + UUID.randomUUID(), bytes);
    try (ModelRunner runner = ModelRunner.open(source, RuntimeOptions.DEFAULTS)) {
      for (var e : inputs.entrySet()) {
        Corpus.Tensor t = e.getValue();
        if (t.longs() != null) {
          runner.setLongs(e.getKey(), t.longs(), t.shape());
        } else {
          runner.setFloats(e.getKey(), t.floats(), t.shape());
        }
      }
      return runner.run();
    }
  }
}
