package org.qcal.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;
import org.qcal.onnx.proto.Onnx.GraphProto;
import org.qcal.onnx.proto.Onnx.NodeProto;
import org.qcal.quant.QuantParams;
import org.qcal.runtime.ModelOutputs;

/**
 * The opset corpus (tools/corpus/opset_models.py: a CNN and a token model exported by torch at
 * opsets 7 to 12 and 17, and the opset-17 exports raised to 18 to 21), in ONNX Runtime:
 *
 * <ol>
 *   <li>below 13, the model {@link OpsetUpgrade} raised to 13 computes what the original
 *       computes, within {@link #TOLERANCE};
 *   <li>qcal's QDQ export with per-channel weights is at opset 13 or the model's own if later,
 *       dequantizes every Conv and Gemm weight per axis, runs, and still has its Softmax fused
 *       into QLinearSoftmax by ONNX Runtime (below 13 most of them are flattened to 2-D by the
 *       upgrade: CoercedAxisOps).
 * </ol>
 *
 * Tagged "corpus": it generates the models (about a minute) when python3-torch is installed and
 * is skipped otherwise; run it with {@code mvn -pl quant-core test -Dgroups=corpus
 * -Dqcal.excluded.groups=none -Dtest=OpsetCorpusTest}.
 */
@Tag("corpus")
class OpsetCorpusTest {
  /**
   * The raised model runs the same ONNX Runtime kernels on the same values (the conversions
   * rewrite attributes into inputs and spell out the old Softmax and Resize rules), so the
   * outputs are expected bit for bit, as OpsetConversionsTest finds node by node; 1e-5 on
   * outputs of magnitude about 1 allows for a kernel that takes another vectorized path for a
   * differently laid out graph, and is far below what a wrong conversion moves (0.1 and more).
   */
  private static final double TOLERANCE = 1e-5;
  private static final int BATCH = 2;

  private record Model(String name, OnnxModel model, long opset, long[] shape) {}

  private static List<Model> models;

  @BeforeAll
  static void corpus() {
    JsonObject manifest = Corpus.manifest(CorpusFolder.ensureOpsets());
    models = new ArrayList<>();
    for (JsonElement e : manifest.getAsJsonArray("models")) {
      JsonObject m = e.getAsJsonObject();
      var dims = m.getAsJsonArray("inputs").get(0).getAsJsonObject().getAsJsonArray("shape");
      long[] shape = new long[dims.size()];
      shape[0] = BATCH;
      for (int i = 1; i < shape.length; i++) {
        shape[i] = dims.get(i).getAsLong();
      }
      models.add(new Model(m.get("name").getAsString(),
          OnnxModel.load(CorpusFolder.OPSET_DIR.resolve(m.get("file").getAsString())),
          m.get("opset").getAsLong(), shape));
    }
  }

  private static float[] input(Model m) {
    int n = 1;
    for (long d : m.shape()) {
      n *= (int) d;
    }
    return GraphBuilder.values(n, 20251210, 1f);
  }

  @TestFactory
  Stream<DynamicTest> theModelRaisedTo13ComputesWhatTheOriginalComputes() {
    return models.stream().filter(m -> m.opset() < 13).map(m -> dynamicTest(m.name(), () -> {
      assertEquals(m.opset(), m.model().onnxOpset());
      OpsetAgreement.Result r = OpsetAgreement.check(m.model().proto(), "input", input(m),
          m.shape());
      System.out.println("opset corpus " + m.name() + ": converted " + r.upgrade().converted()
          + ", max abs diff " + r.maxAbsDiff());
      assertTrue(r.maxAbsDiff() <= TOLERANCE, m.name() + ": " + r.maxAbsDiff());
    }));
  }

  @TestFactory
  Stream<DynamicTest> theQdqExportHasPerAxisWeightsAndRuns() {
    return models.stream().map(m -> dynamicTest(m.name(), () -> {
      CalibrationPlan plan = GraphAnalyzer.analyze(m.model());
      Map<String, QuantParams> params = MinMaxParams.measure(m.model(), plan, "input",
          input(m), m.shape());
      QdqModel qdq = QdqExporter.export(m.model(), plan, params, WeightQuantization.DEFAULT);

      assertEquals(Math.max(13, m.opset()), qdq.model().onnxOpset(), qdq.notes().toString());
      assertTrue(qdq.notes().stream().noneMatch(n -> n.contains("per tensor")),
          qdq.notes().toString());
      List<String> weights = weightsWithoutAxis(qdq.model().graph());
      assertEquals(List.of(), weights, m.name() + ": Conv/Gemm weights not dequantized per axis");
      assertTrue(OrtSupport.optimizedOpTypes(qdq.toByteArray()).contains("QLinearSoftmax"),
          m.name() + ": Softmax not fused");
      ModelOutputs out = OrtSupport.run(qdq.toByteArray(), "input", input(m), m.shape());
      float[] y = out.floats("output");
      assertEquals(BATCH, out.shape("output")[0]);
      for (float v : y) {
        assertTrue(Float.isFinite(v), m.name() + " output " + v);
      }
      System.out.println("opset corpus " + m.name() + ": QDQ at opset "
          + qdq.model().onnxOpset() + ", " + plan.weights().size() + " weights per axis");
    }));
  }

  /**
   * The Conv and Gemm nodes whose weight (input 1) is not the output of a DequantizeLinear with
   * an {@code axis}: none when every weight is quantized per channel.
   */
  private static List<String> weightsWithoutAxis(GraphProto g) {
    Map<String, NodeProto> producers = new HashMap<>();
    g.getNodeList().forEach(n -> n.getOutputList().forEach(o -> producers.put(o, n)));
    List<String> missing = new ArrayList<>();
    int anchors = 0;
    for (NodeProto n : g.getNodeList()) {
      if (!n.getOpType().equals("Conv") && !n.getOpType().equals("Gemm")) {
        continue;
      }
      anchors++;
      NodeProto w = producers.get(n.getInput(1));
      if (w == null || !w.getOpType().equals("DequantizeLinear")
          || Attributes.find(w, "axis") == null) {
        missing.add(n.getName());
      }
    }
    assertTrue(anchors > 0, "the model has Conv or Gemm nodes");
    return missing;
  }
}
