package org.qcal.jobs.tune;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.qcal.jobs.api.TensorSensitivity;
import org.qcal.jobs.validate.CandidateResult;

/**
 * The fallback's order: tensors by sensitivity, the output SQNR their float candidate gains over
 * the base, highest first; NaN last; ties by tensor name, so the order never depends on the
 * order of measurement.
 */
final class SensitivityRanking {
  private static final Comparator<TensorSensitivity> MOST_SENSITIVE_FIRST = Comparator
      .comparingDouble((TensorSensitivity s) -> Double.isNaN(s.gainDb())
          ? Double.POSITIVE_INFINITY : -s.gainDb())
      .thenComparing(TensorSensitivity::tensor);

  private SensitivityRanking() {}

  /**
   * The sensitivities of the measured tensors, most sensitive first.
   *
   * @param baseSqnrDb the base candidate's output SQNR
   * @param measured tensor to the validation of the base with that tensor in float
   */
  static List<TensorSensitivity> rank(double baseSqnrDb, Map<String, CandidateResult> measured) {
    List<TensorSensitivity> order = new ArrayList<>();
    measured.forEach((tensor, r) -> {
      double sqnr = r.primaryOutput().sqnrDb();
      order.add(new TensorSensitivity(tensor, sqnr, sqnr - baseSqnrDb, r.value(), r.drop()));
    });
    order.sort(MOST_SENSITIVE_FIRST);
    return order;
  }

  /**
   * The tensors worth keeping in float, in order: those whose float candidate gained output
   * SQNR over the base; one that gained nothing would cost a step and speed for no accuracy.
   */
  static List<String> fallbackOrder(List<TensorSensitivity> ranked) {
    List<String> order = new ArrayList<>();
    ranked.stream().filter(s -> s.gainDb() > 0).forEach(s -> order.add(s.tensor()));
    return order;
  }
}
