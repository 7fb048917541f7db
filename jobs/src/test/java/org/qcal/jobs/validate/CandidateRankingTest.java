package org.qcal.jobs.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.qcal.metrics.ErrorSums;

/** The ranking of ValidationReport's class comment, on hand-made results. */
class CandidateRankingTest {
  /** Output sums of SQNR {@code db}: reference 1, candidate 1 + 10^(-db/20). */
  private static ErrorSums sqnr(double db) {
    float error = (float) Math.pow(10, -db / 20);
    return new ErrorSums().update(new float[] {1f}, 0, new float[] {1f + error}, 0, 1);
  }

  private static CandidateResult result(String name, boolean passed, double value, double db) {
    return new CandidateResult(name, "test", "", 0, passed, value, 100 - value, null, null,
        Map.of("out", sqnr(db)), Map.of());
  }

  private static List<String> ranked(CandidateResult... results) {
    List<CandidateResult> list = new ArrayList<>(List.of(results));
    list.sort(ValidationReport.RANKING);
    return list.stream().map(CandidateResult::name).toList();
  }

  @Test
  void passingCandidatesRankByOutputSqnrNotByAOneRowLeadInTheMetric() {
    // The corpus's MobileNetV3 (docs/MODELS.md): 78.52 % at 16.8 dB against 78.13 % at 28.6 dB.
    assertEquals(List.of("mse", "percentile"),
        ranked(result("percentile", true, 78.52, 16.8), result("mse", true, 78.13, 28.6)));
  }

  @Test
  void passingCandidatesComeBeforeFailingOnesWhateverTheirSqnr() {
    assertEquals(List.of("ok", "failed"),
        ranked(result("failed", false, 70, 40), result("ok", true, 77, 10)));
  }

  @Test
  void failingCandidatesRankByTheMetricThenTheSqnrThenTheName() {
    assertEquals(List.of("closest", "b-louder", "a-quieter", "b-quieter"),
        ranked(result("a-quieter", false, 50, 10), result("b-louder", false, 50, 20),
            result("closest", false, 60, 5), result("b-quieter", false, 50, 10)));
  }

  @Test
  void aNanSqnrRanksLastAmongThePassingOnes() {
    CandidateResult nan = new CandidateResult("nan", "test", "", 0, true, 80, 0, null, null,
        Map.of("out", new ErrorSums()), Map.of());
    assertEquals(List.of("finite", "nan"), ranked(nan, result("finite", true, 70, 5)));
  }
}
