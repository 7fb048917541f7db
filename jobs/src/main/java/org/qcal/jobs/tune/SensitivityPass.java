package org.qcal.jobs.tune;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.qcal.jobs.api.QuantizedExport;
import org.qcal.jobs.api.TensorSensitivity;
import org.qcal.jobs.validate.CandidateResult;
import org.qcal.jobs.validate.ValidationReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures the sensitivity of every tensor the base candidate quantizes: one candidate per
 * tensor, the base with only that tensor's producer in float, all validated on the validation
 * rows in passes of at most {@value #CANDIDATES_PER_PASS} candidates that compare outputs only
 * (docs/DESIGN.md, "Sensitivity-guided float fallback").
 */
final class SensitivityPass {
  private static final Logger LOG = LoggerFactory.getLogger(SensitivityPass.class);
  /**
   * Candidates per validation pass: each holds an ONNX Runtime session per executor JVM and
   * runs on every batch, so a pass costs memory and time in proportion; 16 is what tune's first
   * pass runs (4 methods x 2 rules x with and without bias correction).
   */
  static final int CANDIDATES_PER_PASS = 16;

  private SensitivityPass() {}

  /** The sensitivities of {@code base}'s tensors, most sensitive first. */
  static List<TensorSensitivity> measure(TuneValidation validation, FloatCandidates floats,
      QuantizedExport base, CandidateResult baseResult) {
    Map<String, QuantizedExport> byTensor = candidates(floats, base, baseResult);
    Map<String, String> tensorOf = new LinkedHashMap<>();
    byTensor.forEach((tensor, e) -> tensorOf.put(e.name(), tensor));
    List<QuantizedExport> exports = new ArrayList<>(byTensor.values());
    Map<String, CandidateResult> measured = new LinkedHashMap<>();
    long start = System.nanoTime();
    for (int from = 0; from < exports.size(); from += CANDIDATES_PER_PASS) {
      List<QuantizedExport> chunk =
          exports.subList(from, Math.min(exports.size(), from + CANDIDATES_PER_PASS));
      ValidationReport report = validation.validate(chunk, "tune sensitivity", false);
      report.candidates().forEach(r -> measured.put(tensorOf.get(r.name()), r));
    }
    List<TensorSensitivity> order =
        SensitivityRanking.rank(baseResult.primaryOutput().sqnrDb(), measured);
    LOG.info(String.format(Locale.ROOT, "tune sensitivity of %s: %d tensors in %d passes, %.1f s;"
        + " output SQNR gain with each in float, most sensitive first: %s", base.name(),
        order.size(), (exports.size() + CANDIDATES_PER_PASS - 1) / CANDIDATES_PER_PASS,
        (System.nanoTime() - start) / 1e9, describe(order)));
    return order;
  }

  /**
   * One export per tensor of the base with a named producer, in FP32 graph order; a tensor
   * whose producers are those of an earlier one is the same candidate and measured once.
   */
  private static Map<String, QuantizedExport> candidates(FloatCandidates floats,
      QuantizedExport base, CandidateResult baseResult) {
    Map<String, QuantizedExport> byTensor = new LinkedHashMap<>();
    Set<List<String>> seen = new HashSet<>();
    for (String tensor : baseResult.tensors().keySet()) {
      List<String> producers = floats.producers(tensor);
      if (producers.isEmpty() || !seen.add(producers)) {
        continue;
      }
      QuantizedExport e = floats.export(base.name() + " float " + tensor, base.recipe(),
          List.of(tensor));
      if (e != null) {
        byTensor.put(tensor, e);
      }
    }
    return byTensor;
  }

  /** "t1 +2.10 dB, t2 +0.40 dB, ...". */
  static String describe(List<TensorSensitivity> order) {
    List<String> parts = new ArrayList<>();
    order.forEach(s -> parts.add(String.format(Locale.ROOT, "%s %+.2f dB", s.tensor(),
        s.gainDb())));
    return String.join(", ", parts);
  }
}
