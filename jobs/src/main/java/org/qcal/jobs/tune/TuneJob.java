package org.qcal.jobs.tune;

import org.qcal.jobs.api.CalibrationParameters;
import org.qcal.jobs.api.CalibrationResult;
import org.qcal.jobs.api.TensorCalibration;
import org.qcal.jobs.api.TuneSettings;
import org.qcal.jobs.api.ValidateSettings;
import org.qcal.jobs.calibrate.CalibrateJob;
import org.qcal.jobs.calibrate.Int8Kernels;
import org.qcal.jobs.cli.Failures;
import org.qcal.jobs.data.ModelData;
import org.qcal.jobs.io.LoadedInputModel;
import org.qcal.jobs.io.OutputInputs;
import org.qcal.jobs.io.TuneJson;
import org.qcal.jobs.validate.ValidateJob;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.qcal.calib.CalibrationMethod;
import org.qcal.jobs.io.AtomicOutputDir;
import org.qcal.jobs.io.CalibrationJson;
import org.qcal.jobs.io.TensorRtCache;
import org.qcal.jobs.report.CandidateRow;
import org.qcal.jobs.report.HtmlReport;
import org.qcal.jobs.validate.Candidate;
import org.qcal.jobs.validate.CandidateResult;
import org.qcal.jobs.validate.Gate;
import org.qcal.jobs.validate.PreparedValidation;
import org.qcal.jobs.data.PassData;
import org.qcal.jobs.io.ValidationJson;
import org.qcal.jobs.validate.ValidationReport;
import org.qcal.jobs.validate.Validator;
import org.qcal.onnx.CalibrationPlan;
import org.qcal.onnx.GraphAnalyzer;
import org.qcal.onnx.NodeSelection;
import org.qcal.onnx.OnnxModel;
import org.qcal.onnx.proto.Onnx.NodeProto;
import org.qcal.quant.QuantParams;
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

  /**
   * @param chosen the candidate whose model was written
   * @param passed whether it is within the budget
   * @param floatTensors tensors the fallback kept in float, in order
   * @param outputDir where everything was written
   */
  public record Result(CandidateResult chosen, boolean passed, List<String> floatTensors,
      String outputDir, Gate gate) {}

  private TuneJob() {}

  public static Result run(SparkSession spark, TuneSettings settings) {
    return run(spark, settings, List.of());
  }

  /** As {@link #run(SparkSession, TuneSettings)}, keeping clear of more inputs. */
  public static Result run(SparkSession spark, TuneSettings settings, List<String> moreInputs) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    try (AtomicOutputDir out = AtomicOutputDir.reserve(settings.out(), settings.overwrite(),
        "tune", OutputInputs.of(settings.inputPaths(), moreInputs), hadoop)) {
      return tune(spark, settings, hadoop, out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the outputs to " + settings.out() + ": "
          + Failures.firstLine(e.getMessage()), e);
    }
  }

  private static Result tune(SparkSession spark, TuneSettings settings, Configuration hadoop,
      AtomicOutputDir out) throws IOException {
    ValidateSettings v = settings.validation();
    ValidateJob.checkGateOptions(v);
    // Read once: the calibration and every candidate export use the same FP32 model.
    LoadedInputModel fp32 = LoadedInputModel.load(settings.calibration().model(), hadoop);
    CalibrationResult calibration = CalibrateJob.calibrate(spark, settings.calibration(), fp32,
        false);
    NodeSelection selection = fp32.selection(calibration.parameters().selection());
    CalibrationPlan plan = GraphAnalyzer.analyze(fp32.toQuantize(), selection, true);
    RuntimeOptions runtime = ValidateJob.runtimeOptions(
        spark.sparkContext().getConf().getInt("spark.task.cpus", 1));

    List<Candidate> candidates = candidates(calibration, fp32, plan);
    // The reference is the model as the user gave it, the candidates come from the folded one.
    PreparedValidation prepared = PreparedValidation.prepare(fp32.model(), v.model(),
        fp32.digest(), candidates, true, runtime);
    Gate gate = ValidateJob.gate(v, prepared.primaryOutputSpec());
    Validator.checkGate(prepared, gate, v.label());
    PassData data = ModelData.load(spark, prepared.signature(), v.data(), v.format(),
        v.imagePreprocessing(), v.inputs(), v.inputShapes(), v.label(), v.batchSize(), v.limit(), v.partitions());
    ValidationReport report = Validator.run(spark, prepared, data, gate);

    Map<String, Candidate> byName = new LinkedHashMap<>();
    candidates.forEach(c -> byName.put(c.name(), c));
    CandidateResult chosen = report.best();
    Candidate chosenModel = chosen == null ? null : byName.get(chosen.name());
    List<String> floated = new ArrayList<>();
    List<ValidationReport> steps = new ArrayList<>();
    if (chosen == null) {
      CandidateResult base = report.candidates().get(0);
      Candidate current = byName.get(base.name());
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
        current = floatCandidate(base.name(), current, excluded, fp32.toQuantize(), step,
            calibration.parameters().weightQuantization(), selection);
        if (current == null) {
          floated.remove(floated.size() - 1); // nothing left that could be kept in float
          break;
        }
        PreparedValidation again = PreparedValidation.prepare(fp32.model(), v.model(),
            fp32.digest(), List.of(current), true, runtime);
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
      chosenModel = current == null ? byName.get(base.name()) : current;
    }
    boolean passed = chosen.passed();
    Map<String, Long> sizes = new LinkedHashMap<>();
    byName.values().forEach(c -> sizes.put(c.name(), (long) c.bytes().length));
    sizes.put(chosenModel.name(), (long) chosenModel.bytes().length);
    String written = write(out, calibration, report, steps, chosen, chosenModel, floated,
        passed, sizes);
    return new Result(chosen, passed, List.copyOf(floated), written, gate);
  }

  /** Every method of the calibration, with asymmetric and with symmetric activations. */
  static List<Candidate> candidates(CalibrationResult calibration, LoadedInputModel fp32,
      CalibrationPlan plan) {
    CalibrationParameters p = calibration.parameters();
    List<Candidate> candidates = new ArrayList<>();
    for (boolean symmetric : new boolean[] {false, true}) {
      CalibrationParameters rule = p.withSymmetricActivations(symmetric);
      Map<CalibrationMethod, Map<String, QuantParams>> byMethod =
          new EnumMap<>(CalibrationMethod.class);
      for (TensorCalibration t : calibration.tensors()) {
        TensorCalibration derived = TensorCalibration.derive(t.name(), t.sharedBy(), t.stats(),
            t.histogram(), rule);
        derived.params().forEach((method, params) ->
            byMethod.computeIfAbsent(method, m -> new LinkedHashMap<>()).put(t.name(), params));
      }
      for (Map.Entry<CalibrationMethod, Map<String, QuantParams>> e : byMethod.entrySet()) {
        String name = e.getKey().id() + (symmetric ? "-sym" : "-asym");
        candidates.add(Candidate.export(name, "tune", fp32.toQuantize(), plan, e.getValue(),
            p.weightQuantization()));
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
   * The base candidate's parameters with {@code excluded} nodes in float. A tensor the new plan
   * taps but the calibration did not (a Relu's input once the Relu is excluded) has no
   * statistics: its producer joins the float nodes too. Null when nothing is left to quantize.
   */
  private static Candidate floatCandidate(String baseName, Candidate base, Set<String> excluded,
      OnnxModel model, int step, org.qcal.onnx.WeightQuantization weights,
      NodeSelection selection) {
    Map<String, QuantParams> known = base.activationParams();
    for (int guard = 0; guard < model.graph().getNodeCount(); guard++) {
      Set<String> floatNodes = new java.util.TreeSet<>(selection.excludedNodes());
      floatNodes.addAll(excluded);
      CalibrationPlan plan = GraphAnalyzer.analyze(model, selection.excludeNodes(floatNodes),
          true);
      Map<String, QuantParams> activations = new LinkedHashMap<>();
      List<String> missing = new ArrayList<>();
      for (String tapped : plan.tappedTensors()) {
        QuantParams params = known.get(tapped);
        if (params == null) {
          missing.add(tapped);
        } else {
          activations.put(tapped, params);
        }
      }
      if (plan.tappedTensors().isEmpty()) {
        return null;
      }
      if (missing.isEmpty()) {
        return Candidate.export(baseName + "+float" + step, "tune fallback", model, plan,
            activations, weights);
      }
      List<String> more = new ArrayList<>();
      missing.forEach(t -> more.addAll(producers(t, model.graph().getNodeList())));
      if (!excluded.addAll(more)) {
        return null;
      }
    }
    return null;
  }

  private static String write(AtomicOutputDir out, CalibrationResult calibration,
      ValidationReport report, List<ValidationReport> steps, CandidateResult chosen,
      Candidate chosenModel, List<String> floated, boolean passed, Map<String, Long> sizes)
      throws IOException {
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
    CalibrationMethod method = CalibrationMethod.parse(chosen.name().split("[-+]")[0]);
    Map<String, Double> amax = new LinkedHashMap<>();
    for (TensorCalibration t : calibration.tensors()) {
      for (String name : t.sharedBy()) {
        amax.put(name, t.amax(method));
      }
    }
    // The int8 kernels of the model written, not of the calibration's own --choose export.
    CalibrationResult written = calibration.withChosen(method).withKernels(
        Int8Kernels.census(chosenModel.model(), chosenModel.name()));
    out.write(CalibrateJob.CALIBRATION_JSON, CalibrationJson.write(written));
    out.write(CalibrateJob.TENSORRT_CACHE,
        TensorRtCache.write(amax, TensorRtCache.DEFAULT_VERSION));
    out.write(CalibrateJob.QDQ_MODEL, chosenModel.bytes());
    out.write(ValidateJob.VALIDATION_JSON, ValidationJson.write(report));
    out.write(TUNE_JSON, TuneJson.write(chosen, passed, floated, steps, report.gate()));
    out.write(CalibrateJob.REPORT, HtmlReport.write(written, rows, verdict));
    out.commit();
    LOG.info("tune: {}; outputs in {}", verdict, out.target());
    return out.target().toString();
  }

  /** "top1 91.30 %, drop 0.40 points (budget 1.00)" or "sqnr 41.9 dB (minimum 20.0)". */
  public static String describe(CandidateResult r, Gate gate) {
    if (gate.metric() == org.qcal.jobs.validate.ValidationMetric.SQNR) {
      return String.format(Locale.ROOT, "sqnr %.2f dB (minimum %.2f)", r.value(),
          gate.minSqnrDb());
    }
    return String.format(Locale.ROOT, "%s %.2f %%, drop %.2f points (budget %.2f)",
        gate.metric().id(), r.value(), r.drop(), gate.maxDrop());
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
