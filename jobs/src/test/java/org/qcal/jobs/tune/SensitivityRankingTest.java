package org.qcal.jobs.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.qcal.jobs.tune.TuneResults.DB_PER_BIT;
import static org.qcal.jobs.tune.TuneResults.result;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.qcal.jobs.api.TensorSensitivity;
import org.qcal.jobs.validate.CandidateResult;

/** The fallback's order, on hand-made results: SQNR k x 6.0206 dB (see {@link TuneResults}). */
class SensitivityRankingTest {
  /** The base: 3 bits, 18.06 dB. */
  private static final double BASE_DB = 3 * DB_PER_BIT;

  private static List<String> tensors(List<TensorSensitivity> ranked) {
    return ranked.stream().map(TensorSensitivity::tensor).toList();
  }

  @Test
  void mostSensitiveFirstByTheOutputSqnrGainedWithTheTensorInFloat() {
    Map<String, CandidateResult> measured = new LinkedHashMap<>();
    measured.put("conv1", result("f1", true, 80, 0.5, 4)); // +1 bit: +6.02 dB
    measured.put("conv2", result("f2", true, 80, 0.5, 6)); // +3 bits: +18.06 dB
    measured.put("add", result("f3", true, 80, 0.5, 5)); // +2 bits: +12.04 dB
    List<TensorSensitivity> ranked = SensitivityRanking.rank(BASE_DB, measured);

    assertEquals(List.of("conv2", "add", "conv1"), tensors(ranked));
    assertEquals(3 * DB_PER_BIT, ranked.get(0).gainDb(), 1e-9);
    assertEquals(6 * DB_PER_BIT, ranked.get(0).outputSqnrDb(), 1e-9);
    assertEquals(2 * DB_PER_BIT, ranked.get(1).gainDb(), 1e-9);
    assertEquals(DB_PER_BIT, ranked.get(2).gainDb(), 1e-9);
  }

  @Test
  void equalGainsRankByTensorNameWhateverTheOrderMeasured() {
    Map<String, CandidateResult> measured = new LinkedHashMap<>();
    measured.put("b", result("fb", true, 80, 0.5, 4));
    measured.put("c", result("fc", true, 80, 0.5, 4));
    measured.put("a", result("fa", true, 80, 0.5, 4));
    assertEquals(List.of("a", "b", "c"), tensors(SensitivityRanking.rank(BASE_DB, measured)));
  }

  @Test
  void aTensorWithoutMeasurementRanksLast() {
    Map<String, CandidateResult> measured = new LinkedHashMap<>();
    measured.put("a", TuneResults.empty("fa"));
    measured.put("z", result("fz", true, 80, 0.5, 2)); // -1 bit: a loss still ranks above NaN
    assertEquals(List.of("z", "a"), tensors(SensitivityRanking.rank(BASE_DB, measured)));
  }

  @Test
  void theFallbackFloatsOnlyTensorsThatGainedOutputSqnr() {
    Map<String, CandidateResult> measured = new LinkedHashMap<>();
    measured.put("gains", result("f1", true, 80, 0.5, 4)); // +6.02 dB
    measured.put("same", result("f2", true, 80, 0.5, 3)); // +0 dB
    measured.put("loses", result("f3", true, 80, 0.5, 2)); // -6.02 dB
    measured.put("none", TuneResults.empty("f4"));
    assertEquals(List.of("gains"),
        SensitivityRanking.fallbackOrder(SensitivityRanking.rank(BASE_DB, measured)));
  }
}
