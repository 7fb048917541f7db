package org.qcal.jobs.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.qcal.QcalException;
import org.qcal.jobs.api.TensorOverride;
import org.qcal.quant.QuantType;

/** The estimator's {@code tensorOverrides} param: the --tensor-overrides file's JSON. */
class TensorOverridesParamTest {
  @Test
  void overridesReachTheRecipe() {
    QuantizationCalibrator c = new QuantizationCalibrator()
        .setTensorOverrides("{\"x\": [{\"quant_type\": \"int16\", \"rmax\": 6}]}");

    assertEquals(Map.of("x", new TensorOverride(QuantType.INT16, null, null, null, 6.0, null,
        null)), c.recipe().tensorOverrides());
    assertEquals(Map.of(), new QuantizationCalibrator().recipe().tensorOverrides(), "default {}");
  }

  @Test
  void aBadValueIsRefusedNamingTheParam() {
    QcalException e = assertThrows(QcalException.class,
        () -> new QuantizationCalibrator().setTensorOverrides("{\"x\": [{\"rmin\": \"a\"}]}"));
    assertEquals("tensorOverrides: entry 'x': rmin must be a number, got \"a\"",
        e.getMessage());
  }
}
