package org.qcal.jobs.validate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The order of {@link ValidationReport}'s candidates. Candidates within the budget come first,
 * by the primary output's SQNR, highest first (then the metric's value, then the name): every
 * one of them is accurate enough, and the SQNR sums every element of every row.
 *
 * <p>The others follow by the metric's value, highest first, but a lead smaller than the
 * metric's noise ({@link MetricNoise}, one standard error of the difference) is no lead: the
 * best-valued remaining candidate and every one within its noise form a group ranked by output
 * SQNR, then the next group starts at the best-valued candidate left. The first failing
 * candidate is what tune's fallback starts from, so a candidate that wins top-1 by two rows of
 * 256 while agreeing less with FP32 is not the one it keeps refining. Anchoring each group at
 * its leader keeps the order total and deterministic although "within noise" is not
 * transitive. NaN values and SQNRs rank last.
 */
final class CandidateRanking {
  private static final Comparator<CandidateResult> BY_NAME =
      Comparator.comparing(CandidateResult::name);
  private static final Comparator<CandidateResult> BY_SQNR = Comparator
      .comparingDouble((CandidateResult r) -> descendingKey(r.primaryOutput().sqnrDb()))
      .thenComparingDouble(r -> descendingKey(r.value()))
      .thenComparing(BY_NAME);
  private static final Comparator<CandidateResult> BY_VALUE = Comparator
      .comparingDouble((CandidateResult r) -> descendingKey(r.value()))
      .thenComparingDouble(r -> descendingKey(r.primaryOutput().sqnrDb()))
      .thenComparing(BY_NAME);

  private CandidateRanking() {}

  /** {@code results} in the order of the class comment (a new list). */
  static List<CandidateResult> rank(List<CandidateResult> results, ValidationMetric metric) {
    List<CandidateResult> ranked = new ArrayList<>();
    List<CandidateResult> failing = new ArrayList<>();
    for (CandidateResult r : results) {
      (r.passed() ? ranked : failing).add(r);
    }
    ranked.sort(BY_SQNR);
    failing.sort(BY_VALUE);
    while (!failing.isEmpty()) {
      CandidateResult leader = failing.get(0);
      List<CandidateResult> group = new ArrayList<>();
      for (CandidateResult r : failing) {
        if (r == leader || leader.value() - r.value() <= MetricNoise.points(metric, leader, r)) {
          group.add(r);
        }
      }
      failing.removeAll(group);
      group.sort(BY_SQNR);
      ranked.addAll(group);
    }
    return ranked;
  }

  /** Higher is better, NaN worst: the key of an ascending sort. */
  private static double descendingKey(double v) {
    return Double.isNaN(v) ? Double.POSITIVE_INFINITY : -v;
  }
}
