package org.qcal.jobs.tune;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.qcal.calib.CalibrationMethod;
import org.qcal.jobs.api.CalibrationParameters;
import org.qcal.jobs.api.CalibrationResult;
import org.qcal.jobs.api.FallbackStep;
import org.qcal.jobs.api.QuantizedExport;
import org.qcal.jobs.api.Recipe;
import org.qcal.jobs.api.TuneRun;
import org.qcal.jobs.api.TuneSettings;
import org.qcal.jobs.api.ValidateSettings;
import org.qcal.jobs.calibrate.CalibrateJob;
import org.qcal.jobs.calibrate.Int8Kernels;
import org.qcal.jobs.data.ModelData;
import org.qcal.jobs.data.PassData;
import org.qcal.jobs.io.AtomicOutputDir;
import org.qcal.jobs.io.CalibrationOutputs;
import org.qcal.jobs.io.LoadedInputModel;
import org.qcal.jobs.io.OutputRun;
import org.qcal.jobs.io.TuneJson;
import org.qcal.jobs.io.ValidationJson;
import org.qcal.jobs.report.CandidateRow;
import org.qcal.jobs.validate.Candidate;
import org.qcal.jobs.validate.CandidateResult;
import org.qcal.jobs.validate.Gate;
import org.qcal.jobs.validate.PreparedValidation;
import org.qcal.jobs.validate.ValidateJob;
import org.qcal.jobs.validate.ValidationReport;
import org.qcal.jobs.validate.Validator;
import org.qcal.runtime.RuntimeOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The everyday entry point: calibrate, make candidates (every method x asymmetric and symmetric
 * activations, without and with bias correction, weights per channel), validate them all in one
 * pass, choose the best within the budget. When none is, or the best still drops more than the
 * target, measure each tensor's sensitivity (the output SQNR gained with it alone in float) and
 * keep the most sensitive tensors in float, one more per step (one validation pass each), until
 * a step is within the target or the step limit is reached (docs/DESIGN.md,
 * "Sensitivity-guided float fallback"). Writes the chosen model with all the evidence; {@link
 * TuneRun#passed()} false means exit code 3.
 */
public final class TuneJob {
  private static final Logger LOG = LoggerFactory.getLogger(TuneJob.class);

  /** What tune writes besides calibrate's outputs. */
  public static final String TUNE_JSON = "tune.json";
  /** The name suffix of a candidate with bias correction. */
  static final String BIAS_CORRECTED = "-bc";

  private TuneJob() {}

  /**
   * Tunes and, when the settings name an output folder, writes everything into it; keeps that
   * folder clear of {@code moreInputs} too (the command line's config file).
   */
  public static TuneRun run(SparkSession spark, TuneSettings settings, List<String> moreInputs) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    return OutputRun.run(settings.out(), settings.overwrite(), "tune", settings.inputPaths(),
        moreInputs, hadoop, out -> tune(spark, settings, hadoop, out));
  }

  private static TuneRun tune(SparkSession spark, TuneSettings settings, Configuration hadoop,
      AtomicOutputDir out) throws IOException {
    ValidateSettings v = settings.validation();
    // Read once: the calibration and every candidate export use the same FP32 model.
    LoadedInputModel fp32 = settings.calibration().model().load(hadoop, true);
    CalibrationResult calibration = CalibrateJob.calibrate(spark, settings.tuneCalibration(),
        fp32, false);
    // Every candidate starts from the graph calibrated: with SmoothQuant, the smoothed one.
    fp32 = calibration.smoothing().applyTo(fp32);
    RuntimeOptions runtime = ValidateJob.runtimeOptions(
        spark.sparkContext().getConf().getInt("spark.task.cpus", 1));

    List<QuantizedExport> exports = candidates(calibration, fp32, settings.biasVariants());
    List<Candidate> candidates = new ArrayList<>();
    exports.forEach(e -> candidates.add(Candidate.of(e, "tune")));
    PreparedValidation prepared = TuneValidation.prepare(fp32, v.model().name(), candidates,
        true, runtime);
    Gate gate = ValidateJob.gate(v, prepared.primaryOutputSpec());
    Validator.checkGate(prepared, gate, v.label());
    PassData data = ModelData.load(spark, prepared.signature(), v.data(), v.label(),
        v.batchSize(), v.partitions());
    ValidationReport report = Validator.run(spark, prepared, data, gate);
    TuneValidation validation =
        new TuneValidation(spark, fp32, v.model().name(), runtime, data, gate);

    Map<String, QuantizedExport> byName = new LinkedHashMap<>();
    exports.forEach(e -> byName.put(e.name(), e));
    // The first-ranked candidate: the best within the budget, else the one the fallback starts
    // from (CandidateRanking).
    CandidateResult base = report.candidates().get(0);
    QuantizedExport baseExport = byName.get(base.name());
    FloatFallback rules = FloatFallback.of(gate, settings.targetDrop());
    FallbackRun fallback = rules.reached(base) || settings.maxFloatTensors() == 0
        ? FallbackRun.NONE
        : FallbackRun.run(validation, new FloatCandidates(fp32, calibration), rules, baseExport,
            base, settings.maxFloatTensors());
    List<QuantizedExport> all = new ArrayList<>(exports);
    all.addAll(fallback.exports());
    int k = fallback.chosen();
    CandidateResult chosen = k < 0 ? base : fallback.steps().get(k).result();
    QuantizedExport chosenModel = k < 0 ? baseExport : fallback.exports().get(k);
    boolean passed = chosen.passed();
    Map<String, Long> sizes = new LinkedHashMap<>();
    all.forEach(e -> sizes.put(e.name(), (long) e.bytes().length));
    // The int8 kernels of the model written, not of the calibration's own first export.
    CalibrationResult written = calibration.withExports(all, chosenModel).withKernels(
        Int8Kernels.census(chosenModel.qdq().model(), chosenModel.name()));
    TuneRun run = new TuneRun(chosen, passed, fallback.floated(), null, gate, written, report,
        fallback.sensitivity(), fallback.steps());
    return out == null ? run : run.withOutputDir(write(out, run, rules.targetDrop(), sizes));
  }

  /**
   * Every method of the calibration, with asymmetric and with symmetric activations; with
   * {@code biasVariants} each also with bias correction ({@value #BIAS_CORRECTED}), otherwise
   * as the calibration's setting says.
   */
  static List<QuantizedExport> candidates(CalibrationResult calibration, LoadedInputModel fp32,
      boolean biasVariants) {
    CalibrationParameters p = calibration.parameters();
    // No shifts measured (4-bit weights, nothing to correct): the variants would be copies.
    boolean variants = biasVariants && !calibration.biasShifts().isEmpty();
    boolean[] corrections = variants ? new boolean[] {false, true}
        : new boolean[] {p.biasCorrection()};
    List<QuantizedExport> candidates = new ArrayList<>();
    for (boolean corrected : corrections) {
      for (boolean symmetric : new boolean[] {false, true}) {
        for (CalibrationMethod method : p.methods()) {
          Recipe recipe = p.recipe(method).toBuilder().symmetricActivations(symmetric)
              .biasCorrection(corrected).build();
          String name = method.id() + (symmetric ? "-sym" : "-asym")
              + (variants && corrected ? BIAS_CORRECTED : "");
          candidates.add(QuantizedExport.derive(name, fp32, calibration.tensors(), recipe,
              calibration.biasShifts()));
        }
      }
    }
    return candidates;
  }

  private static String write(AtomicOutputDir out, TuneRun run, double targetDrop,
      Map<String, Long> sizes) throws IOException {
    ValidationReport report = run.report();
    CandidateResult chosen = run.chosen();
    List<CandidateRow> rows = new ArrayList<>();
    for (CandidateResult r : report.candidates()) {
      rows.add(row(r, report.gate(), r.name().equals(chosen.name()), sizes));
    }
    for (FallbackStep step : run.fallbackSteps()) {
      CandidateResult r = step.result();
      rows.add(row(r, report.gate(), r.name().equals(chosen.name()), sizes));
    }
    String verdict = (run.passed() ? "PASSED" : "FAILED") + ": chose " + chosen.name() + ", "
        + describe(chosen, report.gate())
        + (run.floatTensors().isEmpty() ? ""
            : "; kept in float: " + String.join(", ", run.floatTensors()));
    CalibrationOutputs.write(out, run.calibration(), rows, verdict);
    out.write(ValidateJob.VALIDATION_JSON, ValidationJson.write(report));
    out.write(TUNE_JSON, TuneJson.write(chosen, run.passed(), run.floatTensors(), run.gate(),
        targetDrop, run.sensitivity(), run.fallbackSteps()));
    out.commit();
    LOG.info("tune: {}; outputs in {}", verdict, out.target());
    return out.target().toString();
  }

  /**
   * "top1 91.30 %, drop 0.40 points (budget 1.00), output SQNR 31.20 dB" or "sqnr 41.90 dB
   * (minimum 20.00)": the metric and the agreement with FP32 that breaks its ties.
   */
  public static String describe(CandidateResult r, Gate gate) {
    if (gate.metric() == org.qcal.jobs.validate.ValidationMetric.SQNR) {
      return String.format(Locale.ROOT, "sqnr %.2f dB (minimum %.2f)", r.value(),
          gate.minSqnrDb());
    }
    return String.format(Locale.ROOT, "%s %.2f %%, drop %.2f points (budget %.2f), output SQNR"
        + " %.2f dB", gate.metric().id(), r.value(), r.drop(), gate.maxDrop(),
        r.primaryOutput().sqnrDb());
  }

  private static CandidateRow row(CandidateResult r, Gate gate, boolean chosen,
      Map<String, Long> sizes) {
    Map<String, Double> sqnr = new LinkedHashMap<>();
    r.tensors().forEach((tensor, sums) -> sqnr.put(tensor, sums.sqnrDb()));
    return new CandidateRow(r.name(), gate.metric().id(), r.value(), r.drop(),
        r.agreementPercent(), r.primaryOutput().sqnrDb(), sizes.getOrDefault(r.name(), 0L),
        r.passed(), chosen, sqnr);
  }
}
