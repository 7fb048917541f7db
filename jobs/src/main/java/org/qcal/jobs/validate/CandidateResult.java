package org.qcal.jobs.validate;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.qcal.metrics.ClassificationCounts;
import org.qcal.metrics.ErrorSums;
import org.qcal.metrics.OutputAgreement;

/**
 * One candidate's validation result, from the merged sums: classification counts (null when the
 * model's output is not class scores), error sums per compared output and per quantized tensor,
 * and its standing: the gate metric's value and drop against FP32, pass or fail, and rank.
 *
 * @param name the candidate's name
 * @param source where it came from
 * @param sha256 the digest of its model
 * @param rank 1 for the best
 * @param passed whether it is within the gate's budget
 * @param value the gate metric: accuracy or agreement in %, or SQNR in dB
 * @param drop FP32's value minus this one in percentage points; NaN for the sqnr metric
 * @param counts top-1, top-5 and agreement counts, or null
 * @param agreement the primary output's agreement counts when the gate measures one, or null
 * @param outputs compared output -> error sums against FP32, in model order
 * @param tensors quantized tensor -> error sums against FP32, in FP32 graph order
 */
public record CandidateResult(String name, String source, String sha256, int rank,
    boolean passed, double value, double drop, ClassificationCounts counts,
    OutputAgreement agreement, Map<String, ErrorSums> outputs, Map<String, ErrorSums> tensors) {

  public CandidateResult {
    outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
    tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
  }

  /** The error sums of the first compared output (the class scores, when classifying). */
  public ErrorSums primaryOutput() {
    return outputs.values().iterator().next();
  }

  /** Top-1 accuracy in %, NaN without labels. */
  public double top1Percent() {
    return counts == null ? Double.NaN
        : ValidationReport.percent(counts.top1Correct(), counts.labeled());
  }

  /** Top-5 accuracy in %, NaN without labels. */
  public double top5Percent() {
    return counts == null ? Double.NaN
        : ValidationReport.percent(counts.top5Correct(), counts.labeled());
  }

  /** Top-1 agreement with FP32 in %. */
  public double agreementPercent() {
    return counts == null ? Double.NaN
        : ValidationReport.percent(counts.agreed(), counts.compared());
  }

  /**
   * The quantized tensors from the lowest SQNR up (ties by graph order): the first ones are what
   * tune keeps in float when a candidate misses the budget.
   */
  public List<String> tensorsByWorstSqnr() {
    List<String> names = new ArrayList<>(tensors.keySet());
    List<String> order = List.copyOf(names);
    names.sort(Comparator.comparingDouble((String t) -> sortKey(tensors.get(t).sqnrDb()))
        .thenComparingInt(order::indexOf));
    return names;
  }

  /** NaN (no data) sorts last. */
  private static double sortKey(double sqnr) {
    return Double.isNaN(sqnr) ? Double.POSITIVE_INFINITY : sqnr;
  }

  /** The same result with another rank and verdict (the report assigns them). */
  CandidateResult ranked(int newRank, boolean newPassed) {
    return new CandidateResult(name, source, sha256, newRank, newPassed, value, drop, counts,
        agreement, outputs, tensors);
  }
}
