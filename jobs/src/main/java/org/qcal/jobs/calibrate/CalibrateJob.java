package org.qcal.jobs.calibrate;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.qcal.QcalException;
import org.qcal.calib.CalibrationMethod;
import org.qcal.jobs.api.BiasShifts;
import org.qcal.jobs.api.CalibrateSettings;
import org.qcal.jobs.api.CalibrationParameters;
import org.qcal.jobs.api.CalibrationResult;
import org.qcal.jobs.api.CalibrationRun;
import org.qcal.jobs.api.ExportChoice;
import org.qcal.jobs.api.GraphSummary;
import org.qcal.jobs.api.MethodComparison;
import org.qcal.jobs.api.QuantizedExport;
import org.qcal.jobs.api.SmoothingScales;
import org.qcal.jobs.api.TensorCalibration;
import org.qcal.jobs.data.BatchPlan;
import org.qcal.jobs.data.ModelData;
import org.qcal.jobs.data.PassData;
import org.qcal.jobs.io.AtomicOutputDir;
import org.qcal.jobs.io.CalibrationOutputs;
import org.qcal.jobs.io.LoadedInputModel;
import org.qcal.jobs.io.OutputRun;
import org.qcal.jobs.spark.CalibrationPasses;
import org.qcal.jobs.spark.FaultInjection;
import org.qcal.jobs.spark.PassPartial;
import org.qcal.jobs.spark.TapPass;
import org.qcal.jobs.spark.TapProbe;
import org.qcal.jobs.validate.ValidateJob;
import org.qcal.onnx.CalibrationPlan;
import org.qcal.onnx.OnnxModel;
import org.qcal.onnx.TapAugmenter;
import org.qcal.onnx.TapModel;
import org.qcal.onnx.TapsInFusions;
import org.qcal.runtime.ModelDigest;
import org.qcal.runtime.ModelSignature;
import org.qcal.runtime.ModelSource;
import org.qcal.runtime.RuntimeOptions;
import org.qcal.runtime.SessionCache;
import org.qcal.stats.Histogram;
import org.qcal.stats.HistogramGrid;
import org.qcal.stats.TensorStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calibration of docs/DESIGN.md: the driver reads the model and writes the tap model; one
 * pass gathers statistics and histograms (or, with {@code passes} 2, pass 1 statistics and pass 2
 * histograms on the grid they fix; minmax alone needs no histogram); the driver
 * derives every method's parameters, exports the QDQ model with the chosen ones and writes all
 * outputs into one folder atomically. Bad input fails before anything is written.
 */
public final class CalibrateJob {
  private static final Logger LOG = LoggerFactory.getLogger(CalibrateJob.class);

  private CalibrateJob() {}

  /**
   * Calibrates and, when the settings name an output folder, writes the outputs into it; keeps
   * that folder clear of {@code moreInputs} too (the command line's config file).
   */
  public static CalibrationRun run(SparkSession spark, CalibrateSettings settings,
      List<String> moreInputs) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    return OutputRun.run(settings.out(), settings.overwrite(), "calibrate",
        settings.inputPaths(), moreInputs, hadoop, out -> {
          CalibrationResult calibrated = calibrate(spark, settings);
          CalibrationResult result = calibrated.withKernels(Int8Kernels.census(
              calibrated.chosen().qdq().model(), settings.model().name()));
          if (out == null) {
            return new CalibrationRun(result, null);
          }
          write(result, out);
          LOG.info("calibration of {} over {} samples written to {}", settings.model(),
              result.samples(), out.target());
          return new CalibrationRun(result, out.target().toString());
        });
  }

  /** Everything but the writing: reads, runs both passes, derives and exports. */
  public static CalibrationResult calibrate(SparkSession spark, CalibrateSettings settings) {
    return calibrate(spark, settings,
        settings.model().load(spark.sparkContext().hadoopConfiguration(), true), true);
  }

  /**
   * As {@link #calibrate(SparkSession, CalibrateSettings)} on a model the caller has read. With
   * {@code measureChoice} false, {@code --choose auto} is left to the caller (tune, which
   * validates every method anyway): the export then carries the first method's parameters.
   */
  public static CalibrationResult calibrate(SparkSession spark, CalibrateSettings settings,
      LoadedInputModel input, boolean measureChoice) {
    CalibrationParameters parameters = settings.parameters();
    // The level the plain model runs at in validate and transform: NCHWc Conv kernels make the
    // tap model's forward cheaper there than at EXTENDED, taps included (docs/BENCHMARKS.md).
    RuntimeOptions runtime = ValidateJob.runtimeOptions(taskCpus(spark));
    // SmoothQuant changes the activations calibrated, so it comes first; every export, here and
    // in tune and validate, starts from the smoothed graph (SmoothingScales.applyTo).
    SmoothingScales smoothing = parameters.smoothQuant()
        ? SmoothingPass.measure(spark, settings, input, runtime) : SmoothingScales.NONE;
    input = smoothing.applyTo(input);
    OnnxModel model = input.toQuantize();
    CalibrationPlan plan = QuantizedExport.plan(input, parameters.recipe());
    parameters.recipe().overridesByTappedTensor(plan, true); // refuses unknown tensors before a pass
    TapModel tap = TapAugmenter.augment(model, plan);
    logTapsInFusions(settings.model().name(), model, plan);
    byte[] tapBytes = tap.toByteArray();
    String tapDigest = ModelDigest.sha256Hex(tapBytes);
    ModelSignature signature =
        SessionCache.signature(ModelSource.of(settings.model().name(), tapDigest, tapBytes),
            runtime);
    PassData data = ModelData.load(spark, signature, settings.data(), null,
        parameters.batchSize(), null);
    List<String> taps = plan.tappedTensors();
    List<String> outputs = new ArrayList<>();
    taps.forEach(t -> outputs.add(tap.tapOutputs().get(t)));
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<Broadcast<byte[]>> broadcasts = new ArrayList<>();
    broadcasts.add(jsc.broadcast(tapBytes));
    try {
      TapGroups tapGroups = tapGroups(data, broadcasts.get(0), settings.model().name(), tapDigest,
          runtime, outputs, settings.tapMemoryMb());
      if (tapGroups.batchSize() != data.plan().batchSize()) {
        data = ModelData.load(spark, signature, settings.data(), null, tapGroups.batchSize(),
            null);
      }
      BatchPlan batchPlan = data.plan();
      JavaRDD<Row> rows = data.rows();
      List<TapPass.Group> groups = new ArrayList<>();
      if (tapGroups.groups().size() == 1) {
        groups.add(new TapPass.Group(broadcasts.get(0), tapDigest, outputs,
            tapGroups.groups().get(0)));
      } else {
        for (int[] members : tapGroups.groups()) {
          groups.add(groupModel(model, taps, members, jsc, broadcasts));
        }
      }
      TapPass pass = new TapPass(groups, settings.model().name(), batchPlan, runtime,
          FaultInjection.from(jsc.getConf()));

      List<CalibrationResult.PassSummary> passes = new ArrayList<>();
      boolean onePass = parameters.needsHistograms() && parameters.passes() == 1;
      int bins = parameters.bins();
      PassPartial first = onePass
          ? timed("one pass (statistics and histograms)", taps.size(),
              () -> CalibrationPasses.statsAndHistograms(rows, pass, bins), passes)
          : timed("pass 1 (statistics)", taps.size(),
              () -> CalibrationPasses.stats(rows, pass), passes);
      if (first.rows() == 0) {
        throw new QcalException("data '" + settings.data() + "' has no rows"
            + (settings.data().limit() != null ? " within limit " + settings.data().limit()
                : ""));
      }
      logNonFinite(taps, first.stats());
      Histogram[] histograms = first.histograms();
      if (parameters.needsHistograms() && !onePass) {
        HistogramGrid[] grids = grids(first.stats(), taps, bins);
        histograms = timed("pass 2 (histograms)", taps.size(),
            () -> CalibrationPasses.histograms(rows, pass, grids), passes).histograms();
      }
      List<TensorCalibration> tensors =
          deriveAll(taps, plan.aliasGroups(), first.stats(), histograms, parameters);
      BiasShifts shifts = parameters.biasCorrection()
          ? biasShifts(input, plan, parameters, rows, batchPlan, runtime,
              settings.model().name(), jsc)
          : BiasShifts.NONE;
      List<QuantizedExport> exports = new ArrayList<>();
      for (CalibrationMethod method : parameters.methods()) {
        exports.add(QuantizedExport.derive(method.id(), input, tensors,
            parameters.recipe(method), shifts));
      }
      MethodComparison comparison = null;
      CalibrationMethod method = parameters.choose().auto() ? parameters.methods().get(0)
          : parameters.choose().method();
      if (parameters.choose().auto() && measureChoice && exports.size() > 1) {
        comparison = MethodChooser.choose(spark, settings, input, exports, first.rows());
        method = comparison.chosen();
      }
      parameters = parameters.withChoice(ExportChoice.of(method));
      QuantizedExport chosen = exports.get(parameters.methods().indexOf(method));
      // Also in calibration.json; logged because they change what the export is (an opset
      // raised and the nodes converted for it, weights per tensor instead of per channel ...).
      chosen.qdq().notes().forEach(note -> LOG.info("{}: {}", settings.model(), note));
      GraphSummary graph = GraphSummary.of(model, plan, chosen.qdq().weightParams().size(),
          chosen.qdq().biasParams().size(), input.folding().folded());
      LOG.info("{}: {}", settings.model(), graph.describe());
      return new CalibrationResult(settings.model().name(), input.digest(),
          settings.data().describe(),
          data.format(), data.inputColumns(), first.rows(), parameters, tensors, exports,
          chosen, null, passes, graph, comparison, shifts, smoothing);
    } finally {
      broadcasts.forEach(Broadcast::destroy);
    }
  }

  /**
   * Each quantized Conv's and Gemm's mean output shift under weight quantization, measured in
   * one more pass over the calibration rows. The shifts depend on the weights and the FP32
   * inputs alone, not on the activation method, so every method's export shares them.
   */
  private static BiasShifts biasShifts(LoadedInputModel input, CalibrationPlan plan,
      CalibrationParameters parameters, JavaRDD<Row> rows, BatchPlan batchPlan,
      RuntimeOptions runtime, String modelName, JavaSparkContext jsc) {
    long start = System.nanoTime();
    BiasShifts shifts = BiasShiftPass.measure(input.toQuantize(), plan,
        parameters.recipe().weightQuantization(), rows, batchPlan, runtime, modelName, jsc);
    LOG.info(String.format(Locale.ROOT,
        "%s: bias correction of %d Conv/Gemm nodes (%d channels), largest |shift| %.3g, in %.1f s",
        modelName, shifts.byNode().size(), shifts.channels(), shifts.maxAbsShift(),
        (System.nanoTime() - start) / 1e9));
    return shifts;
  }

  /**
   * Every method's range of every tensor. The tensors are independent and their searches
   * (entropy and mse over up to 4096 bins per side) were most of the driver's time after the
   * pass (docs/BENCHMARKS.md, "Calibrate"), so they run in parallel; the list keeps the taps'
   * order, and the first failing tensor in that order is the one reported, as when run one by
   * one.
   */
  private static List<TensorCalibration> deriveAll(List<String> taps,
      Map<String, List<String>> aliases, TensorStats[] stats, Histogram[] histograms,
      CalibrationParameters parameters) {
    for (int i = 0; i < taps.size(); i++) {
      TensorCalibration.requireFinite(taps.get(i), stats[i]);
    }
    long start = System.nanoTime();
    List<Object> derived = IntStream.range(0, taps.size()).parallel().mapToObj(i -> {
      try {
        return (Object) TensorCalibration.derive(taps.get(i), aliases.get(taps.get(i)),
            stats[i], histograms == null ? null : histograms[i], parameters);
      } catch (RuntimeException e) {
        return e;
      }
    }).toList();
    List<TensorCalibration> tensors = new ArrayList<>();
    for (Object d : derived) {
      if (d instanceof RuntimeException e) {
        throw e;
      }
      tensors.add((TensorCalibration) d);
    }
    LOG.info(String.format(Locale.ROOT, "ranges of %d tensors by %s in %.2f s", taps.size(),
        parameters.methods().stream().map(CalibrationMethod::id).toList(),
        (System.nanoTime() - start) / 1e9));
    return tensors;
  }

  /**
   * One line naming the tapped tensors that ONNX Runtime would fuse away in the plain model: the
   * QDQ model quantizes them, so the tap model keeps them and pays for the fusion it loses.
   */
  private static void logTapsInFusions(String modelName, OnnxModel model, CalibrationPlan plan) {
    List<TapsInFusions.Fusion> fusions = TapsInFusions.find(model, plan.tappedTensors());
    if (!fusions.isEmpty()) {
      LOG.info("{}: {} tapped tensor(s) lie inside an ONNX Runtime fusion, which the tap model"
          + " therefore loses; tapped because the QDQ model quantizes them: {}", modelName,
          fusions.size(), fusions);
    }
  }

  /**
   * Splits the taps so that one forward's tapped outputs fit {@code tapMemoryMb} per task: the
   * bytes per row come from one probe forward on the driver (TapProbe), the groups from
   * TapGroups; both are logged when they change anything.
   */
  private static TapGroups tapGroups(PassData data, Broadcast<byte[]> tapBytes,
      String modelName, String tapDigest, RuntimeOptions runtime, List<String> outputs,
      int tapMemoryMb) {
    int batch = data.plan().batchSize();
    long[] rowBytes = TapProbe.bytesPerRow(data.rows(), tapBytes, modelName, tapDigest, runtime,
        data.plan(), outputs);
    if (rowBytes == null) {
      return TapGroups.single(outputs.size(), batch); // a bad first row: the pass reports it
    }
    long budget = (long) tapMemoryMb << 20;
    TapGroups groups = TapGroups.plan(rowBytes, batch, budget);
    long perRow = java.util.Arrays.stream(rowBytes).sum();
    if (groups.batchSize() < batch) {
      LOG.warn("one tapped tensor takes {} bytes per row: batches of {} rows instead of {} to"
          + " stay within --tap-memory-mb {}", java.util.Arrays.stream(rowBytes).max().orElse(0),
          groups.batchSize(), batch, tapMemoryMb);
    }
    if (groups.groups().size() > 1) {
      LOG.info("the {} tapped tensors take {} bytes per row, {} MiB per batch of {}: more than"
          + " --tap-memory-mb {}, so each batch runs {} forwards, one per group of taps",
          outputs.size(), perRow, (perRow * groups.batchSize()) >> 20, groups.batchSize(),
          tapMemoryMb, groups.groups().size());
    }
    return groups;
  }

  /** The tap model exposing only the tensors {@code members} (indices into {@code taps}). */
  private static TapPass.Group groupModel(OnnxModel model, List<String> taps, int[] members,
      JavaSparkContext jsc, List<Broadcast<byte[]>> broadcasts) {
    List<String> names = new ArrayList<>();
    for (int t : members) {
      names.add(taps.get(t));
    }
    TapModel group = TapAugmenter.augment(model, names);
    byte[] bytes = group.toByteArray();
    Broadcast<byte[]> broadcast = jsc.broadcast(bytes);
    broadcasts.add(broadcast);
    List<String> outputs = new ArrayList<>();
    names.forEach(n -> outputs.add(group.tapOutputs().get(n)));
    return new TapPass.Group(broadcast, ModelDigest.sha256Hex(bytes), outputs, members);
  }

  private static HistogramGrid[] grids(TensorStats[] stats, List<String> taps, int bins) {
    HistogramGrid[] grids = new HistogramGrid[stats.length];
    for (int i = 0; i < stats.length; i++) {
      TensorCalibration.requireFinite(taps.get(i), stats[i]);
      grids[i] = HistogramGrid.of(stats[i], bins);
    }
    return grids;
  }

  private static void write(CalibrationResult result, AtomicOutputDir out) throws IOException {
    CalibrationOutputs.write(out, result, List.of(), "calibrated with "
        + result.parameters().methods().size() + " methods; the exported model uses "
        + result.chosen().name() + (result.comparison() == null ? ""
            : " (--choose auto: highest output SQNR on " + result.comparison().rows()
                + " calibration rows)")
        + " (not validated: run qcal tune or validate for accuracy)");
    out.commit();
  }

  /**
   * Says which tensors saw NaN or infinite values: they are left out of every range (as
   * calibration.json records), but a user should know that the data or the model produce them.
   */
  private static void logNonFinite(List<String> taps, TensorStats[] stats) {
    int tensors = 0;
    for (int i = 0; i < taps.size(); i++) {
      TensorStats s = stats[i];
      if (s.finiteCount() != s.count()) {
        tensors++;
        LOG.warn("tensor '{}': {} NaN, {} +Inf, {} -Inf of {} values; left out of its range",
            taps.get(i), s.nanCount(), s.posInfCount(), s.negInfCount(), s.count());
      }
    }
    if (tensors > 0) {
      LOG.warn("{} of {} tapped tensors saw non-finite values (counts per tensor in {})",
          tensors, taps.size(), CalibrationOutputs.CALIBRATION_JSON);
    }
  }

  static int taskCpus(SparkSession spark) {
    return spark.sparkContext().getConf().getInt("spark.task.cpus", 1);
  }

  private static PassPartial timed(String pass, int tensors, Supplier<PassPartial> body,
      List<CalibrationResult.PassSummary> passes) {
    long start = System.nanoTime();
    PassPartial result = body.get();
    double seconds = (System.nanoTime() - start) / 1e9;
    passes.add(new CalibrationResult.PassSummary(pass, result.rows(), seconds,
        result.inferenceNanos / 1e9, result.copyNanos / 1e9, result.kernelNanos / 1e9));
    LOG.info(String.format(Locale.ROOT,
        "%s: %d rows, %d tensors in %.1f s (%.0f rows/s); %s", pass, result.rows(), tensors,
        seconds, result.rows() / Math.max(seconds, 1e-9), result.timeSplit()));
    return result;
  }
}
