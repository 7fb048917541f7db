package org.qcal.jobs.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.qcal.jobs.io.JsonTrees.fields;
import static org.qcal.jobs.io.JsonTrees.parse;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.qcal.jobs.api.FallbackStep;
import org.qcal.jobs.api.TensorSensitivity;
import org.qcal.jobs.validate.CandidateResult;
import org.qcal.jobs.validate.ValidationReport;

/**
 * tune.json written from hand-made results ({@link ValidationFixture}) and parsed back: a tune
 * whose every candidate missed the top-1 budget of 1 point and whose fallback kept relu_out, then
 * conv_out in float, the order of the sensitivities measured before (relu_out gained 4 dB of
 * output SQNR alone in float, conv_out 1 dB, bias nothing); the second step is back to FP32's
 * predictions and passes (its output equals FP32's: SQNR +Infinity, written "Infinity", 100 %
 * agreement; the first step's is 10 log10(25 / 2) dB, and it agrees with FP32 on 3 of 4 rows).
 */
class TuneJsonTest {
  private static final List<String> FLOATED = List.of("relu_out", "conv_out");

  /** Step 1: still flipped (50 %, drop 25); step 2: as FP32 (75 %, drop 0). */
  private static List<FallbackStep> steps() {
    List<ValidationReport> reports = List.of(
        ValidationFixture.report(ValidationFixture.TOP1, "logits",
            ValidationFixture.counts(ValidationFixture.FP32, null),
            ValidationFixture.candidate("entropy-asym+1", false, 50.0, 25.0,
                ValidationFixture.counts(ValidationFixture.FLIPPED, ValidationFixture.FP32),
                ValidationFixture.flippedOutput())),
        ValidationFixture.report(ValidationFixture.TOP1, "logits",
            ValidationFixture.counts(ValidationFixture.FP32, null),
            ValidationFixture.candidate("entropy-asym+2", true, 75.0, 0.0,
                ValidationFixture.counts(ValidationFixture.FP32, ValidationFixture.FP32),
                ValidationFixture.exactOutput())));
    return List.of(new FallbackStep(1, "relu_out", reports.get(0).candidates().get(0)),
        new FallbackStep(2, "conv_out", reports.get(1).candidates().get(0)));
  }

  /** Base output SQNR 2 dB: relu_out in float reaches 6, conv_out 3, bias stays at 2. */
  private static final List<TensorSensitivity> SENSITIVITY = List.of(
      new TensorSensitivity("relu_out", 6.0, 4.0, 50.0, 25.0),
      new TensorSensitivity("conv_out", 3.0, 1.0, 25.0, 50.0),
      new TensorSensitivity("bias", 2.0, 0.0, 25.0, 50.0));

  private static byte[] write(boolean passed) {
    List<FallbackStep> steps = steps();
    CandidateResult chosen = steps.get(1).result();
    return TuneJson.write(chosen, passed, FLOATED, ValidationFixture.TOP1, 0.3, SENSITIVITY,
        steps);
  }

  @Test
  void writesTheVerdictTheChosenCandidateAndEachFallbackStep() throws IOException {
    JsonNode root = parse(write(true));

    assertEquals(List.of("schema", "status", "metric", "maxDrop", "targetDrop", "chosen",
        "floatTensors", "sensitivity", "fallbackSteps"), fields(root));
    assertEquals(parse("""
        {"schema": "qcal.tune/2", "status": "passed", "metric": "top1", "maxDrop": 1.0,
         "targetDrop": 0.3,
         "chosen": {"name": "entropy-asym+2", "sha256": "entropy-asym+2-sha256", "value": 75.0,
                    "drop": 0.0, "agreement": 100.0, "outputSqnrDb": "Infinity"},
         "floatTensors": ["relu_out", "conv_out"],
         "sensitivity": [
           {"tensor": "relu_out", "gainDb": 4.0, "outputSqnrDb": 6.0, "value": 50.0,
            "drop": 25.0},
           {"tensor": "conv_out", "gainDb": 1.0, "outputSqnrDb": 3.0, "value": 25.0,
            "drop": 50.0},
           {"tensor": "bias", "gainDb": 0.0, "outputSqnrDb": 2.0, "value": 25.0,
            "drop": 50.0}],
         "fallbackSteps": [
           {"step": 1, "candidate": "entropy-asym+1", "floatTensor": "relu_out", "value": 50.0,
            "drop": 25.0, "agreement": 75.0, "outputSqnrDb": 10.969100130080564,
            "passed": false},
           {"step": 2, "candidate": "entropy-asym+2", "floatTensor": "conv_out", "value": 75.0,
            "drop": 0.0, "agreement": 100.0, "outputSqnrDb": "Infinity", "passed": true}]}"""),
        root);
  }

  @Test
  void aTuneThatMissedTheBudgetSaysFailed() throws IOException {
    assertEquals("failed", parse(write(false)).get("status").textValue());
  }

  @Test
  void equalInputsGiveByteIdenticalFiles() {
    assertArrayEquals(write(true), write(true));
  }
}
