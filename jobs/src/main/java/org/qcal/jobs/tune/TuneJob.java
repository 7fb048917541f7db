package org.qcal.jobs.tune;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.qcal.calib.CalibrationMethod;
import org.qcal.jobs.api.CalibrationParameters;
import org.qcal.jobs.api.CalibrationResult;
import org.qcal.jobs.api.QuantizedExport;
import org.qcal.jobs.api.Recipe;
import org.qcal.jobs.api.TensorCalibration;
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
import org.qcal.onnx.CalibrationPlan;
import org.qcal.onnx.proto.Onnx.NodeProto;
import org.qcal.runtime.RuntimeOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The everyday entry point: calibrate, make candidates (every method x asymmetric and symmetric
 * activations, weights per channel), validate them all in one pass, choose the best within the
 * budget; when none is, keep the tensor of lowest SQNR in float one step at a time (one more
 * validation pass each) until the budget holds or the step limit is reached. Writes the chosen
 * model with all the evidence; {@link Result#passed()} false means exit code 3.
 */
public final class TuneJob {
  private static final Logger LOG = LoggerFactory.getLogger(TuneJob.class);

  /** What tune writes besides calibrate's outputs. */
  public static final String TUNE_JSON = "tune.json";

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
    CalibrationResult calibration = CalibrateJob.calibrate(spark, settings.calibration(), fp32,
        false);
    // Every candidate starts from the graph calibrated: with SmoothQuant, the smoothed one.
    fp32 = calibration.smoothing().applyTo(fp32);
    RuntimeOptions runtime = ValidateJob.runtimeOptions(
        spark.sparkContext().getConf().getInt("spark.task.cpus", 1));

    List<QuantizedExport> exports = candidates(calibration, fp32);
    List<Candidate> candidates = new ArrayList<>();
    exports.forEach(e -> candidates.add(Candidate.of(e, "tune")));
    // The reference is the model as the user gave it, the candidates come from the folded one.
    PreparedValidation prepared = PreparedValidation.prepare(fp32.model(), v.model().name(),
        fp32.digest(), candidates, true, runtime);
    Gate gate = ValidateJob.gate(v, prepared.primaryOutputSpec());
    Validator.checkGate(prepared, gate, v.label());
    PassData data = ModelData.load(spark, prepared.signature(), v.data(), v.label(),
        v.batchSize(), v.partitions());
    ValidationReport report = Validator.run(spark, prepared, data, gate);

    Map<String, QuantizedExport> byName = new LinkedHashMap<>();
    exports.forEach(e -> byName.put(e.name(), e));
    CandidateResult chosen = report.best();
    QuantizedExport chosenModel = chosen == null ? null : byName.get(chosen.name());
    List<QuantizedExport> all = new ArrayList<>(exports);
    List<String> floated = new ArrayList<>();
    List<ValidationReport> steps = new ArrayList<>();
    if (chosen == null) {
      CandidateResult base = report.candidates().get(0);
      QuantizedExport current = byName.get(base.name());
      CandidateResult result = base;
      Set<String> excluded = new LinkedHashSet<>();
      List<NodeProto> nodes = fp32.toQuantize().graph().getNodeList();
      for (int step = 1; step <= settings.maxFloatTensors(); step++) {
        String tensor = nextToFloat(result, floated, nodes);
        if (tensor == null) {
          break;
        }
        floated.add(tensor);
        excluded.addAll(producers(tensor, nodes));
        QuantizedExport next = floatCandidate(base.name() + "+float" + step,
            byName.get(base.name()).recipe(), excluded, fp32, calibration);
        if (next == null) {
          floated.remove(floated.size() - 1); // nothing left that could be kept in float
          break;
        }
        current = next;
        all.add(current);
        PreparedValidation again = PreparedValidation.prepare(fp32.model(), v.model().name(),
            fp32.digest(), List.of(Candidate.of(current, "tune fallback")), true, runtime);
        ValidationReport stepReport = Validator.run(spark, again, data, gate);
        steps.add(stepReport);
        result = stepReport.candidates().get(0);
        LOG.info(String.format(Locale.ROOT, "tune fallback step %d: %s in float, %s %.3f (drop"
            + " %.3f)", step, floated, gate.metric().id(), result.value(), result.drop()));
        if (result.passed()) {
          break;
        }
      }
      chosen = result;
      chosenModel = current;
    }
    boolean passed = chosen.passed();
    Map<String, Long> sizes = new LinkedHashMap<>();
    all.forEach(e -> sizes.put(e.name(), (long) e.bytes().length));
    // The int8 kernels of the model written, not of the calibration's own first export.
    CalibrationResult written = calibration.withExports(all, chosenModel).withKernels(
        Int8Kernels.census(chosenModel.qdq().model(), chosenModel.name()));
    String dir = out == null ? null
        : write(out, written, report, steps, chosen, floated, passed, sizes);
    return new TuneRun(chosen, passed, List.copyOf(floated), dir, gate, written, report);
  }

  /** Every method of the calibration, with asymmetric and with symmetric activations. */
  static List<QuantizedExport> candidates(CalibrationResult calibration, LoadedInputModel fp32) {
    CalibrationParameters p = calibration.parameters();
    List<QuantizedExport> candidates = new ArrayList<>();
    for (boolean symmetric : new boolean[] {false, true}) {
      for (CalibrationMethod method : p.methods()) {
        Recipe recipe = p.recipe(method).toBuilder().symmetricActivations(symmetric).build();
        String name = method.id() + (symmetric ? "-sym" : "-asym");
        candidates.add(QuantizedExport.derive(name, fp32, calibration.tensors(), recipe,
            calibration.biasShifts()));
      }
    }
    return candidates;
  }

  /** The worst tensor (lowest SQNR) not yet in float that a named node produces, or null. */
  private static String nextToFloat(CandidateResult result, List<String> floated,
      List<NodeProto> nodes) {
    for (String tensor : result.tensorsByWorstSqnr()) {
      if (!floated.contains(tensor) && !producers(tensor, nodes).isEmpty()) {
        return tensor;
      }
    }
    return null;
  }

  /** Names of the nodes that write {@code tensor}; unnamed nodes cannot be excluded. */
  private static List<String> producers(String tensor, List<NodeProto> nodes) {
    List<String> names = new ArrayList<>();
    for (NodeProto node : nodes) {
      if (node.getOutputList().contains(tensor) && !node.getName().isEmpty()) {
        names.add(node.getName());
      }
    }
    return names;
  }

  /**
   * The base recipe with {@code excluded} nodes in float. A tensor the new plan taps but the
   * calibration did not (a Relu's input once the Relu is excluded) has no statistics: its
   * producer joins the float nodes too. Null when nothing is left to quantize.
   */
  private static QuantizedExport floatCandidate(String name, Recipe base, Set<String> excluded,
      LoadedInputModel fp32, CalibrationResult calibration) {
    List<TensorCalibration> tensors = calibration.tensors();
    Set<String> calibrated = new java.util.HashSet<>();
    tensors.forEach(t -> calibrated.add(t.name()));
    List<NodeProto> nodes = fp32.toQuantize().graph().getNodeList();
    for (int guard = 0; guard < nodes.size(); guard++) {
      Recipe recipe = base.withFloatNodes(excluded);
      CalibrationPlan plan = QuantizedExport.plan(fp32, recipe);
      if (plan.tappedTensors().isEmpty()) {
        return null;
      }
      List<String> more = new ArrayList<>();
      plan.tappedTensors().stream().filter(t -> !calibrated.contains(t))
          .forEach(t -> more.addAll(producers(t, nodes)));
      if (more.isEmpty()) {
        return QuantizedExport.derive(name, fp32, tensors, recipe, calibration.biasShifts());
      }
      if (!excluded.addAll(more)) {
        return null;
      }
    }
    return null;
  }

  private static String write(AtomicOutputDir out, CalibrationResult written,
      ValidationReport report, List<ValidationReport> steps, CandidateResult chosen,
      List<String> floated, boolean passed, Map<String, Long> sizes) throws IOException {
    List<CandidateRow> rows = new ArrayList<>();
    for (CandidateResult r : report.candidates()) {
      rows.add(row(r, report, r.name().equals(chosen.name()), sizes));
    }
    for (ValidationReport step : steps) {
      CandidateResult r = step.candidates().get(0);
      rows.add(row(r, step, r.name().equals(chosen.name()), sizes));
    }
    String verdict = (passed ? "PASSED" : "FAILED") + ": chose " + chosen.name() + ", "
        + describe(chosen, report.gate())
        + (floated.isEmpty() ? "" : "; kept in float: " + String.join(", ", floated));
    CalibrationOutputs.write(out, written, rows, verdict);
    out.write(ValidateJob.VALIDATION_JSON, ValidationJson.write(report));
    out.write(TUNE_JSON, TuneJson.write(chosen, passed, floated, steps, report.gate()));
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

  private static CandidateRow row(CandidateResult r, ValidationReport report, boolean chosen,
      Map<String, Long> sizes) {
    Map<String, Double> sqnr = new LinkedHashMap<>();
    r.tensors().forEach((tensor, sums) -> sqnr.put(tensor, sums.sqnrDb()));
    return new CandidateRow(r.name(), report.gate().metric().id(), r.value(), r.drop(),
        r.agreementPercent(), r.primaryOutput().sqnrDb(), sizes.getOrDefault(r.name(), 0L),
        r.passed(), chosen, sqnr);
  }
}
