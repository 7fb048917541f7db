package org.qcal.jobs.validate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.qcal.jobs.data.PassData;
import org.qcal.jobs.spark.ValidationPartial;
import org.qcal.metrics.ClassificationCounts;
import org.qcal.metrics.ErrorSums;
import org.qcal.metrics.OutputAgreement;

/**
 * The result of a validation: the FP32 model's own counts, every candidate's metrics ranked by
 * the gate metric, and the verdict. Built on the driver from the merged sums only, so equal sums
 * give an equal report whatever the partitioning.
 *
 * <p>Ranking ({@link CandidateRanking}): candidates within the budget first, by the primary
 * output's SQNR; then the others by the metric's value, where a lead within the metric's noise
 * (one standard error of the difference, {@link MetricNoise}) is decided by the SQNR. Why SQNR:
 * a difference of a few rows in top-1 or agreement on a few hundred rows is noise (one row of
 * 256 is 0.39 points), while the SQNR sums every element of every row; on the corpus
 * (docs/MODELS.md) the top-1 winner by one row had 16.8 dB where another passing method had
 * 28.6. The run passes when any candidate passes; {@link #best()} is the first-ranked one that
 * passes.
 */
public final class ValidationReport {
  private final String modelPath;
  private final String modelSha256;
  private final PassData data;
  private final long samples;
  private final Gate gate;
  private final String classOutput;
  private final ClassificationCounts reference;
  private final List<String> outputs;
  private final List<String> tensors;
  private final List<CandidateResult> candidates;
  private final Timing timing;

  /**
   * Where the pass spent its time: wall-clock seconds of the pass, and task-thread CPU seconds
   * (summed over tasks) in the FP32 forwards (with taps), the candidates' forwards (with taps)
   * and the metrics. For logs and benchmarks; never written to validation.json.
   */
  public record Timing(double wallSeconds, double referenceCpuSeconds,
      double candidateCpuSeconds, double metricCpuSeconds) {}

  private ValidationReport(String modelPath, String modelSha256, PassData data,
      long samples, Gate gate, String classOutput, ClassificationCounts reference,
      List<String> outputs, List<String> tensors, List<CandidateResult> candidates,
      Timing timing) {
    this.modelPath = modelPath;
    this.modelSha256 = modelSha256;
    this.data = data;
    this.samples = samples;
    this.gate = gate;
    this.classOutput = classOutput;
    this.reference = reference;
    this.outputs = List.copyOf(outputs);
    this.tensors = List.copyOf(tensors);
    this.candidates = List.copyOf(candidates);
    this.timing = timing;
  }

  /** Derives, judges and ranks the candidates of {@code prepared} from the merged partial. */
  static ValidationReport of(PreparedValidation prepared, PassData data, Gate gate,
      String classOutput, ValidationPartial merged, Timing timing) {
    ClassificationCounts reference = classOutput == null ? null : merged.reference;
    List<CandidateResult> results = new ArrayList<>();
    for (int k = 0; k < prepared.candidates().size(); k++) {
      Candidate c = prepared.candidates().get(k);
      Map<String, ErrorSums> outputSums = new LinkedHashMap<>();
      for (int o = 0; o < prepared.outputs().size(); o++) {
        outputSums.put(prepared.outputs().get(o), merged.outputs[k][o]);
      }
      Map<String, ErrorSums> tensorSums = new LinkedHashMap<>();
      int t = 0;
      for (String tensor : prepared.candidateTensorTaps(k).keySet()) {
        tensorSums.put(tensor, merged.tensors[k][t++]);
      }
      ClassificationCounts counts = classOutput == null ? null : merged.counts[k];
      OutputAgreement agreement = gate.metric().isOutputAgreement() ? merged.agreement[k] : null;
      double value = gate.metric().isOutputAgreement() ? agreementValue(gate.metric(), agreement)
          : value(gate.metric(), counts, outputSums.values().iterator().next());
      double drop = gate.metric().isOutputAgreement() ? 100 - value
          : drop(gate.metric(), counts, reference);
      results.add(new CandidateResult(c.name(), c.source(), c.sha256(), 0,
          gate.passes(value, drop), value, drop, counts, agreement, outputSums, tensorSums));
    }
    return of(prepared.fp32Path(), prepared.fp32Sha256(), data, merged.rows(), gate,
        classOutput, reference, prepared.outputs(), prepared.tensors(), results, timing);
  }

  /**
   * The report of candidate {@code results} already judged (their order and ranks are ignored):
   * ranks them as the class comment says, from 1. Public so that a report can be made without a
   * pass, e.g. for writing it in a test.
   */
  public static ValidationReport of(String modelPath, String modelSha256, PassData data,
      long samples, Gate gate, String classOutput, ClassificationCounts reference,
      List<String> outputs, List<String> tensors, List<CandidateResult> results, Timing timing) {
    List<CandidateResult> sorted = CandidateRanking.rank(results, gate.metric());
    List<CandidateResult> ranked = new ArrayList<>();
    for (int i = 0; i < sorted.size(); i++) {
      ranked.add(sorted.get(i).ranked(i + 1, sorted.get(i).passed()));
    }
    return new ValidationReport(modelPath, modelSha256, data, samples, gate, classOutput,
        reference, outputs, tensors, ranked, timing);
  }

  /** The gate metric's value for a candidate (not the output agreements). */
  static double value(ValidationMetric metric, ClassificationCounts counts, ErrorSums primary) {
    return switch (metric) {
      case TOP1 -> percent(counts.top1Correct(), counts.labeled());
      case TOP5 -> percent(counts.top5Correct(), counts.labeled());
      case AGREEMENT -> percent(counts.agreed(), counts.compared());
      case SQNR -> primary.sqnrDb();
      default -> throw new IllegalArgumentException(metric + " is an output agreement");
    };
  }

  /** An output agreement in %, from its counts (FP32 agrees 100 % with itself). */
  static double agreementValue(ValidationMetric metric, OutputAgreement a) {
    return switch (metric) {
      case STEP_AGREEMENT -> percent(a.positionsEqual(), a.positions());
      case SEQUENCE_AGREEMENT -> percent(a.rowsEqual(), a.rows());
      case MAP_AGREEMENT -> percent(a.sameSide(), a.elements());
      case IOU -> a.iouPercent();
      default -> throw new IllegalArgumentException(metric + " is not an output agreement");
    };
  }

  /**
   * FP32's value minus the candidate's, in points, from the counts (one rounding: {@code 100 *
   * (fp32 hits - hits) / rows}); NaN for sqnr.
   */
  public static double drop(ValidationMetric metric, ClassificationCounts counts,
      ClassificationCounts reference) {
    return switch (metric) {
      case TOP1 -> points(reference.top1Correct() - counts.top1Correct(), counts.labeled());
      case TOP5 -> points(reference.top5Correct() - counts.top5Correct(), counts.labeled());
      case AGREEMENT -> points(counts.compared() - counts.agreed(), counts.compared());
      default -> Double.NaN;
    };
  }

  private static double points(long difference, long rows) {
    return rows == 0 ? Double.NaN : 100.0 * difference / rows;
  }

  /** {@code 100 * part / whole} with one rounding (91.6, not 91.60000000000001); NaN for 0/0. */
  public static double percent(long part, long whole) {
    return whole == 0 ? Double.NaN : 100.0 * part / whole;
  }

  /** FP32's value of the gate metric: its accuracy, 100 for agreement, +Infinity for SQNR. */
  public double referenceValue() {
    return switch (gate.metric()) {
      case TOP1 -> percent(reference.top1Correct(), reference.labeled());
      case TOP5 -> percent(reference.top5Correct(), reference.labeled());
      case SQNR -> Double.POSITIVE_INFINITY;
      default -> 100.0; // agreement and the output agreements: FP32 with itself
    };
  }

  /** Whether any candidate is within the budget. */
  public boolean passed() {
    return best() != null;
  }

  /** The best-ranked candidate within the budget, or null. */
  public CandidateResult best() {
    for (CandidateResult r : candidates) {
      if (r.passed()) {
        return r;
      }
    }
    return null;
  }

  /** The candidate called {@code name}, or null. */
  public CandidateResult candidate(String name) {
    for (CandidateResult r : candidates) {
      if (r.name().equals(name)) {
        return r;
      }
    }
    return null;
  }

  /** Candidates, best first. */
  public List<CandidateResult> candidates() {
    return candidates;
  }

  public String modelPath() {
    return modelPath;
  }

  public String modelSha256() {
    return modelSha256;
  }

  public PassData data() {
    return data;
  }

  /** Rows validated. */
  public long samples() {
    return samples;
  }

  public Gate gate() {
    return gate;
  }

  /** The output read as class scores, or null when the model's output is not class scores. */
  public String classOutput() {
    return classOutput;
  }

  /** The FP32 model's top-1/top-5 counts (agreement not counted), or null. */
  public ClassificationCounts reference() {
    return reference;
  }

  /** The compared outputs, in model order. */
  public List<String> outputs() {
    return outputs;
  }

  /** The quantized tensors compared, in FP32 graph order. */
  public List<String> tensors() {
    return tensors;
  }

  /** Where the pass spent its time (not part of the report's file). */
  public Timing timing() {
    return timing;
  }
}
