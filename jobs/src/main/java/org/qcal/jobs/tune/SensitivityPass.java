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

  /**
   * The sensitivities of {@code base}'s tensors, most sensitive first. The base runs again in
   * the first pass, as its float candidates run (outputs only: taps change ONNX Runtime's
   * fusions and so the last bits of the outputs), and each gain is against that run.
   */
  static List<TensorSensitivity> measure(TuneValidation validation, FloatCandidates floats,
      QuantizedExport base, CandidateResult baseResult) {
    Map<String, QuantizedExport> byTensor = candidates(floats, base, baseResult);
    Map<String, String> tensorOf = new LinkedHashMap<>();
    byTensor.forEach((tensor, e) -> tensorOf.put(e.name(), tensor));
    List<QuantizedExport> exports = new ArrayList<>();
    exports.add(base);
    exports.addAll(byTensor.values());
    Map<String, CandidateResult> results = new LinkedHashMap<>();
    long start = System.nanoTime();
    int passes = 0;
    for (int from = 0; from < exports.size(); from += CANDIDATES_PER_PASS, passes++) {
      List<QuantizedExport> chunk =
          exports.subList(from, Math.min(exports.size(), from + CANDIDATES_PER_PASS));
      ValidationReport report = validation.validate(chunk, "tune sensitivity", false);
      report.candidates().forEach(r -> results.put(r.name(), r));
    }
    Map<String, CandidateResult> measured = new LinkedHashMap<>();
    tensorOf.forEach((name, tensor) -> measured.put(tensor, results.get(name)));
    List<TensorSensitivity> order = SensitivityRanking.rank(
        results.get(base.name()).primaryOutput().sqnrDb(), measured);
    LOG.info(String.format(Locale.ROOT, "tune sensitivity of %s: %d of its %d tensors change the"
        + " model when kept in float (the others have no named producer, stay quantized for a"
        + " quantized reader, or share a producer), measured in %d validation passes, %.1f s;"
        + " output SQNR gain with each in float, most sensitive first: %s", base.name(),
        order.size(), baseResult.tensors().size(), passes, (System.nanoTime() - start) / 1e9,
        describe(order)));
    return order;
  }

  /**
   * One export per tensor of the base with a named producer, in FP32 graph order, named after
   * the tensor. Only exports that differ from the base and from every earlier one: keeping a
   * producer in float changes nothing when its output is still quantized for a quantized reader,
   * and tensors of one producer give one model; the same bytes give the same outputs.
   */
  private static Map<String, QuantizedExport> candidates(FloatCandidates floats,
      QuantizedExport base, CandidateResult baseResult) {
    Map<String, QuantizedExport> byTensor = new LinkedHashMap<>();
    Set<String> models = new HashSet<>();
    models.add(base.sha256());
    for (String tensor : baseResult.tensors().keySet()) {
      if (floats.producers(tensor).isEmpty()) {
        continue;
      }
      QuantizedExport e = floats.export(base.name() + " float " + tensor, base.recipe(),
          List.of(tensor));
      if (e != null && models.add(e.sha256())) {
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
