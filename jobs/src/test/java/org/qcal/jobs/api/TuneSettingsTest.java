package org.qcal.jobs.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.qcal.quant.QuantType;

/** What calibration tune runs for its candidates, from its settings alone (no Spark). */
class TuneSettingsTest {

  private static TuneSettings.Builder tune() {
    return TuneSettings.builder().validation(v -> v.data("val.parquet"));
  }

  @Test
  void biasVariantsMeasureTheShiftsAndKeepEveryOtherCalibrationSetting() {
    CalibrationParameters p = tune()
        .calibration(c -> c.model("m.onnx").data("calib.parquet").smoothQuant(true)
            .smoothQuantAlpha(0.75))
        .build().tuneCalibration().parameters();
    assertTrue(p.biasCorrection(), "the shifts are measured for the corrected variants");
    assertTrue(p.smoothQuant(), "SmoothQuant stays on");
    assertEquals(0.75, p.smoothQuantAlpha());
  }

  @Test
  void fourBitWeightsHaveNoBiasVariants() {
    CalibrationParameters p = tune()
        .calibration(c -> c.model("m.onnx").data("calib.parquet")
            .recipe(Recipe.builder().weightType(QuantType.INT4).build()))
        .build().tuneCalibration().parameters();
    assertFalse(p.biasCorrection(), "bias correction measures 8-bit weights only");
  }
}
