package org.qcal.jobs.tune;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.qcal.jobs.validate.CandidateResult;
import org.qcal.jobs.validate.Gate;
import org.qcal.jobs.validate.ValidationMetric;

/**
 * The float fallback's rules (docs/DESIGN.md, "Sensitivity-guided float fallback"): when it
 * runs, how it steps and where it stops, and which model it keeps. Free of Spark: the steps are
 * validated by the function tune passes in.
 *
 * @param gate the budget: a candidate outside it fails the run (exit code 3)
 * @param targetDrop the drop the fallback aims at, in points of the gate metric: the smaller of
 *     tune's target and the budget; unused with the sqnr metric, whose aim is the budget
 */
record FloatFallback(Gate gate, double targetDrop) {
  /**
   * Drops are differences of percentages in double (80.0 - 79.7 = 0.30000000000000426): a drop
   * within this of the target meets it.
   */
  private static final double DROP_TOLERANCE = 1e-9;

  static FloatFallback of(Gate gate, double targetDrop) {
    return new FloatFallback(gate, Math.min(targetDrop, gate.maxDrop()));
  }

  /** Whether {@code r} needs no fallback: within the budget and the target. */
  boolean reached(CandidateResult r) {
    return r.passed() && (gate.metric() == ValidationMetric.SQNR
        || r.drop() <= targetDrop + DROP_TOLERANCE);
  }

  /**
   * The steps: step k keeps the first k tensors of {@code order} in float (the most sensitive
   * first), validated by {@code step} (null when that step cannot be made: nothing left to
   * quantize). Stops at the first step that {@link #reached reaches} the target, or after
   * {@code maxSteps}.
   */
  List<CandidateResult> steps(List<String> order, int maxSteps,
      Function<List<String>, CandidateResult> step) {
    List<CandidateResult> results = new ArrayList<>();
    for (int k = 1; k <= Math.min(maxSteps, order.size()); k++) {
      CandidateResult r = step.apply(List.copyOf(order.subList(0, k)));
      if (r == null) {
        break;
      }
      results.add(r);
      if (reached(r)) {
        break;
      }
    }
    return results;
  }

  /**
   * Which model tune keeps, as an index into {@code steps}, or -1 for {@code base}: the first
   * step that reaches the target; else the base when it is within the budget (tensors in float
   * that miss the target buy nothing the base lacks); else the first step within the budget;
   * else the last step, the closest to FP32 tried.
   */
  int chosen(CandidateResult base, List<CandidateResult> steps) {
    for (int k = 0; k < steps.size(); k++) {
      if (reached(steps.get(k))) {
        return k;
      }
    }
    if (base.passed()) {
      return -1;
    }
    for (int k = 0; k < steps.size(); k++) {
      if (steps.get(k).passed()) {
        return k;
      }
    }
    return steps.size() - 1;
  }
}
