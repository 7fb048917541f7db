package org.qcal.jobs.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.qcal.QcalException;
import org.qcal.onnx.BatchNormFolding;
import org.qcal.onnx.OnnxModel;
import org.qcal.quant.QuantParams;
import org.qcal.quant.QuantType;

class CalibrationCandidatesTest {
  private static final String FILE = """
      {"schema": "qcal.calibration/1", "model": {"sha256": "abc"},
       "settings": {"methods": ["minmax", "entropy"], "weightType": "int8", "perChannel": true},
       "tensors": [
         {"name": "input", "params": {
            "minmax": {"type": "uint8", "scale": 0.003921569, "zeroPoint": 0},
            "entropy": {"type": "uint8", "scale": 0.0031, "zeroPoint": 0}}},
         {"name": "logits", "params": {
            "minmax": {"type": "uint8", "scale": 0.1, "zeroPoint": 128},
            "entropy": {"type": "uint8", "scale": 0.09, "zeroPoint": 120}}}]}
      """;

  private static JsonNode json(String text) throws Exception {
    return new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .readTree(text);
  }

  @Test
  void readsEachMethodsParamsExactly() throws Exception {
    CalibrationCandidates.CalibrationFile f = CalibrationCandidates.parse(json(FILE), "c.json");
    assertEquals(List.of("minmax", "entropy"), List.copyOf(f.params().keySet()));
    assertEquals(QuantParams.of(0.003921569f, 0, QuantType.UINT8),
        f.params().get("minmax").get("input"));
    assertEquals(QuantParams.of(0.09f, 120, QuantType.UINT8),
        f.params().get("entropy").get("logits"));
    assertEquals("abc", f.modelSha256());
    assertTrue(f.weights().perChannel());
  }

  @Test
  void refusesAnotherSchema() throws Exception {
    QcalException e = assertThrows(QcalException.class, () -> CalibrationCandidates.parse(
        json(FILE.replace("qcal.calibration/1", "qcal.calibration/9")), "c.json"));
    assertEquals("c.json: schema is 'qcal.calibration/9', expected qcal.calibration/1",
        e.getMessage());
  }

  @Test
  void refusesACalibrationOfAnotherModel() throws Exception {
    CalibrationCandidates.CalibrationFile f = CalibrationCandidates.parse(json(FILE), "c.json");
    OnnxModel cnn = OnnxModel.load(QdqTensorsTest.CNN);
    QcalException e = assertThrows(QcalException.class,
        () -> CalibrationCandidates.candidates(f, BatchNormFolding.fold(cnn),
            "def0123456789"));
    assertTrue(e.getMessage().startsWith("c.json was made from a model with sha256 abc, but"
        + " --model"), e.getMessage());
  }
}
