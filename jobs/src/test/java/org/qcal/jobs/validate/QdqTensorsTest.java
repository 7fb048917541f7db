package org.qcal.jobs.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.qcal.onnx.CalibrationPlan;
import org.qcal.onnx.GraphAnalyzer;
import org.qcal.onnx.OnnxModel;
import org.qcal.onnx.QdqExporter;
import org.qcal.onnx.WeightQuantization;
import org.qcal.quant.QuantParams;
import org.qcal.quant.QuantRule;
import org.qcal.quant.QuantType;

class QdqTensorsTest {
  static final Path CNN = Path.of("../quant-core/src/test/resources/models/cnn.onnx");

  static Candidate cnnCandidate(String name) {
    OnnxModel fp32 = OnnxModel.load(CNN);
    CalibrationPlan plan = GraphAnalyzer.analyze(fp32);
    Map<String, QuantParams> params = new LinkedHashMap<>();
    for (String t : plan.tappedTensors()) {
      params.put(t, QuantParams.fromRange(t.equals("logits") ? -10 : 0, 10, QuantType.UINT8,
          QuantRule.ASYMMETRIC));
    }
    return Candidate.of(name, "test",
        QdqExporter.export(fp32, plan, params, WeightQuantization.DEFAULT).model(), null);
  }

  @Test
  void mapsEveryQuantizedActivationToItsDequantizedOutput() {
    Map<String, String> dq = QdqTensors.dequantized(cnnCandidate("c").model());
    assertEquals(List.of("input", "/Relu_output_0", "/MaxPool_output_0", "/Relu_1_output_0",
        "/MaxPool_1_output_0", "/flatten/Flatten_output_0", "/Relu_2_output_0", "logits"),
        List.copyOf(dq.keySet()));
    assertEquals("input_dequantized", dq.get("input"));
    assertEquals("/Relu_output_0_dequantized", dq.get("/Relu_output_0"));
    // A graph output keeps its name on the DQ output; the producer writes logits_float.
    assertEquals("logits", dq.get("logits"));
  }

  @Test
  void readsEachPairsQuantizedOutputAndConstantParams() {
    Map<String, QdqTensors.Pair> pairs = QdqTensors.pairs(cnnCandidate("c").model());
    QdqTensors.Pair relu = pairs.get("/Relu_output_0");
    assertEquals("/Relu_output_0_quantized", relu.quantized());
    assertEquals(QuantParams.fromRange(0, 10, QuantType.UINT8, QuantRule.ASYMMETRIC),
        relu.params());
    QdqTensors.Pair logits = pairs.get("logits");
    assertEquals("logits_quantized", logits.quantized());
    assertEquals(128, logits.params().zeroPoint());
    TensorTap tap = TensorTap.of(relu);
    assertEquals("/Relu_output_0_quantized", tap.output());
    assertEquals(true, tap.quantized() && tap.unsigned());
    // Without constant 8-bit params the DQ output is read instead.
    assertEquals(new TensorTap("x_dq", false, 0f, 0, false),
        TensorTap.of(new QdqTensors.Pair("x_q", "x_dq", null)));
  }

  @Test
  void aFloatModelHasNoQuantizedTensors() {
    assertEquals(Map.of(), QdqTensors.dequantized(OnnxModel.load(CNN)));
  }
}
