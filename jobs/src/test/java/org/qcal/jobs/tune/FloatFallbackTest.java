package org.qcal.jobs.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.qcal.jobs.tune.TuneResults.result;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.qcal.jobs.validate.CandidateResult;
import org.qcal.jobs.validate.Gate;
import org.qcal.jobs.validate.ValidationMetric;

/**
 * The fallback's stop rule and choice, on hand-made top-1 results against an FP32 top-1 of 80 %
 * with a budget of 1 point and a target of 0.3.
 */
class FloatFallbackTest {
  private static final Gate GATE = new Gate(ValidationMetric.TOP1, 1.0, 20.0);
  private static final FloatFallback FALLBACK = FloatFallback.of(GATE, 0.3);
  private static final List<String> ORDER = List.of("a", "b", "c", "d");

  /** A result of {@code value} % top-1, judged by the 1-point budget as the report does. */
  private static CandidateResult top1(String name, double value) {
    double drop = 80.0 - value;
    return result(name, GATE.passes(value, drop), value, drop, 8);
  }

  @Test
  void theTargetIsTheBudgetWhenTheBudgetIsTighter() {
    assertEquals(0.3, FALLBACK.targetDrop());
    assertEquals(0.2, FloatFallback.of(new Gate(ValidationMetric.TOP1, 0.2, 20.0), 0.3)
        .targetDrop());
  }

  @Test
  void aDropOfThreeRowsInAThousandMeetsATargetOfPointThree() {
    // 80.0 - 79.7 is 0.30000000000000426 in double: still three rows, the target.
    assertTrue(FALLBACK.reached(top1("three rows", 79.7)));
    assertFalse(FALLBACK.reached(top1("four rows", 79.6)));
    assertFalse(FALLBACK.reached(top1("outside the budget", 78.9)));
  }

  @Test
  void withTheSqnrMetricTheBudgetIsTheAim() {
    FloatFallback sqnr = FloatFallback.of(new Gate(ValidationMetric.SQNR, 1.0, 20.0), 0.3);
    assertTrue(sqnr.reached(result("in", true, 24.1, Double.NaN, 4)));
    assertFalse(sqnr.reached(result("out", false, 18.1, Double.NaN, 3)));
  }

  @Test
  void stepsAddOneTensorEachInOrderAndStopAtTheFirstWithinTheTarget() {
    List<List<String>> asked = new ArrayList<>();
    // Step 1 drops 0.6 points, step 2 0.4 (within the budget, not the target), step 3 0.2.
    Map<Integer, Double> top1 = Map.of(1, 79.4, 2, 79.6, 3, 79.8, 4, 80.0);
    List<CandidateResult> steps = FALLBACK.steps(ORDER, 8, tensors -> {
      asked.add(tensors);
      return top1("step" + tensors.size(), top1.get(tensors.size()));
    });
    assertEquals(List.of(List.of("a"), List.of("a", "b"), List.of("a", "b", "c")), asked);
    assertEquals(3, steps.size());
    assertEquals(2, FALLBACK.chosen(top1("base", 79.5), steps));
  }

  @Test
  void stepsStopAtTheLimitOrWhenAStepCannotBeMade() {
    assertEquals(2, FALLBACK.steps(ORDER, 2, t -> top1("s", 79.0)).size());
    assertEquals(1, FALLBACK.steps(ORDER, 8, t -> t.size() > 1 ? null : top1("s", 79.0))
        .size());
    assertEquals(0, FALLBACK.steps(List.of(), 8, t -> top1("s", 80.0)).size());
  }

  @Test
  void aBaseWithinTheBudgetStaysWhenNoStepReachesTheTarget() {
    List<CandidateResult> steps = List.of(top1("s1", 79.6), top1("s2", 79.6));
    assertEquals(-1, FALLBACK.chosen(top1("base", 79.5), steps));
  }

  @Test
  void aBaseOutsideTheBudgetGivesWayToTheFirstStepWithinIt() {
    List<CandidateResult> steps = List.of(top1("s1", 78.5), top1("s2", 79.5), top1("s3", 79.6));
    assertEquals(1, FALLBACK.chosen(top1("base", 78.0), steps));
  }

  @Test
  void whenNothingIsWithinTheBudgetTheLastStepIsKept() {
    List<CandidateResult> steps = List.of(top1("s1", 78.5), top1("s2", 78.8));
    assertEquals(1, FALLBACK.chosen(top1("base", 78.0), steps));
    assertEquals(-1, FALLBACK.chosen(top1("base", 78.0), List.of()));
  }
}
