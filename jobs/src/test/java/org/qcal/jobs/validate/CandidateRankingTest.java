package org.qcal.jobs.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.qcal.metrics.ClassificationCounts;
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

  /** A failing top-1 result: {@code hits} of {@code rows} labelled rows right. */
  private static CandidateResult counted(String name, int hits, int rows, double db) {
    float[] scores = new float[2 * rows];
    long[] labels = new long[rows];
    for (int r = 0; r < rows; r++) {
      scores[2 * r + (r < hits ? 0 : 1)] = 1f; // label 0: right on the first hits rows
    }
    ClassificationCounts counts =
        new ClassificationCounts().update(scores, 0, rows, 2, labels, null);
    return new CandidateResult(name, "test", "", 0, false, 100.0 * hits / rows,
        100 - 100.0 * hits / rows, counts, null, Map.of("out", sqnr(db)), Map.of());
  }

  private static List<String> ranked(CandidateResult... results) {
    return CandidateRanking.rank(List.of(results), ValidationMetric.TOP1).stream()
        .map(CandidateResult::name).toList();
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
  void theNoiseIsTheStandardErrorOfADifferenceOfTwoProportions() {
    // 100 sqrt((0.5 * 0.5 + 0.484375 * 0.515625) / 256) = 100 sqrt(0.499755859375 / 256)
    assertEquals(4.418338291352976, MetricNoise.standardError(50, 48.4375, 256), 1e-12);
    // 100 sqrt((0.25 + 0.4844 * 0.5156) / 10000) = 100 sqrt(0.49975664 / 10000)
    assertEquals(0.706934678736303, MetricNoise.standardError(50, 48.44, 10_000), 1e-12);
    assertEquals(0, MetricNoise.standardError(50, 48, 0));
  }

  @Test
  void aFailingLeadWithinTheNoiseGoesToTheHigherOutputSqnr() {
    // 128 of 256 (50 %) against 124 of 256 (48.4375 %): 1.5625 points apart, less than one
    // standard error (4.42 points), so the 20 dB candidate ranks first.
    assertEquals(List.of("louder", "lucky"),
        ranked(counted("lucky", 128, 256, 10), counted("louder", 124, 256, 20)));
  }

  @Test
  void aFailingLeadBeyondTheNoiseStandsWhateverTheSqnr() {
    // 5000 of 10 000 against 4844: 1.56 points apart, more than one standard error (0.71).
    assertEquals(List.of("better", "louder"),
        ranked(counted("better", 5000, 10_000, 10), counted("louder", 4844, 10_000, 20)));
  }

  @Test
  void eachNoiseGroupIsAnchoredAtTheBestValueLeft() {
    // On 256 rows: a (156 hits) leads; b (148) is 3.125 points down, within one standard
    // error (4.34 points); c (140) is 6.25 points down, beyond it (4.36). The group {a, b}
    // ranks by SQNR, then c follows alone, although c is within b's noise (3.125 < 4.38).
    assertEquals(List.of("b", "a", "c"), ranked(counted("a", 156, 256, 10),
        counted("b", 148, 256, 15), counted("c", 140, 256, 30)));
  }

  @Test
  void aNanSqnrRanksLastAmongThePassingOnes() {
    CandidateResult nan = new CandidateResult("nan", "test", "", 0, true, 80, 0, null, null,
        Map.of("out", new ErrorSums()), Map.of());
    assertEquals(List.of("finite", "nan"), ranked(nan, result("finite", true, 70, 5)));
  }
}
