package org.qcal.jobs.tune;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.qcal.jobs.api.FallbackStep;
import org.qcal.jobs.api.QuantizedExport;
import org.qcal.jobs.api.TensorSensitivity;
import org.qcal.jobs.validate.CandidateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the float fallback did to a base candidate: the sensitivities measured, the steps taken
 * (their exports and validations) and the one kept, by {@link FloatFallback}'s rules
 * (docs/DESIGN.md, "Sensitivity-guided float fallback").
 *
 * @param sensitivity the base's tensors, most sensitive first
 * @param steps each step's float tensor and validation, in order
 * @param exports each step's export, in order
 * @param floated the tensors the kept step has in float, in order (empty when the base is kept)
 * @param chosen index of the kept step, -1 for the base
 */
record FallbackRun(List<TensorSensitivity> sensitivity, List<FallbackStep> steps,
    List<QuantizedExport> exports, List<String> floated, int chosen) {
  private static final Logger LOG = LoggerFactory.getLogger(FallbackRun.class);

  /** No fallback: the base is kept. */
  static final FallbackRun NONE = new FallbackRun(List.of(), List.of(), List.of(), List.of(), -1);

  /** Measures the sensitivities of {@code base}'s tensors, then steps and chooses. */
  static FallbackRun run(TuneValidation validation, FloatCandidates floats, FloatFallback rules,
      QuantizedExport baseExport, CandidateResult base, int maxSteps) {
    LOG.info(String.format(Locale.ROOT, "tune: best candidate %s (%s) misses the %s; measuring"
        + " each tensor's sensitivity", base.name(), TuneJob.describe(base, rules.gate()),
        base.passed() ? String.format(Locale.ROOT, "target drop %.2f", rules.targetDrop())
            : "budget"));
    List<TensorSensitivity> sensitivity =
        SensitivityPass.measure(validation, floats, baseExport, base);
    List<String> order = SensitivityRanking.fallbackOrder(sensitivity);
    List<QuantizedExport> exports = new ArrayList<>();
    List<FallbackStep> steps = new ArrayList<>();
    List<CandidateResult> results = rules.steps(order, maxSteps, tensors -> {
      QuantizedExport e = floats.export(base.name() + "+float" + tensors.size(),
          baseExport.recipe(), tensors);
      if (e == null) {
        return null; // nothing left that could be quantized
      }
      CandidateResult r = validation.validate(List.of(e), "tune fallback", true)
          .candidates().get(0);
      exports.add(e);
      steps.add(new FallbackStep(tensors.size(), tensors.get(tensors.size() - 1), r));
      LOG.info(String.format(Locale.ROOT, "tune fallback step %d: %s in float, %s",
          tensors.size(), tensors, TuneJob.describe(r, rules.gate())));
      return r;
    });
    int k = rules.chosen(base, results);
    return new FallbackRun(sensitivity, steps, exports,
        k < 0 ? List.of() : List.copyOf(order.subList(0, k + 1)), k);
  }
}
