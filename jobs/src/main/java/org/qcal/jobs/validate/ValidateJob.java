package org.qcal.jobs.validate;

import org.qcal.jobs.api.ValidateSettings;
import org.qcal.jobs.cli.Failures;
import org.qcal.jobs.data.ModelData;
import org.qcal.jobs.io.LoadedInputModel;
import org.qcal.jobs.io.OutputInputs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.qcal.QcalException;
import org.qcal.jobs.io.AtomicOutputDir;
import org.qcal.jobs.data.PassData;
import org.qcal.jobs.io.ValidationJson;
import org.qcal.runtime.GraphOptLevel;
import org.qcal.runtime.RuntimeOptions;
import org.qcal.runtime.TensorSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The validation of issue 5: the FP32 model against candidates (the methods of a calibrate
 * output, QDQ files, or both) in one pass over the validation set, then {@code validation.json}
 * written atomically. Bad input fails before anything is written; a failed gate still writes
 * its outputs, marked failed ({@link Result#passed()}).
 */
public final class ValidateJob {
  private static final Logger LOG = LoggerFactory.getLogger(ValidateJob.class);

  /** The output file. */
  public static final String VALIDATION_JSON = "validation.json";

  /** What a run returns: the report and where it was written. */
  public record Result(ValidationReport report, String outputDir) {
    public boolean passed() {
      return report.passed();
    }
  }

  private ValidateJob() {}

  public static Result run(SparkSession spark, ValidateSettings settings) {
    return run(spark, settings, List.of());
  }

  /** As {@link #run(SparkSession, ValidateSettings)}, keeping clear of more inputs. */
  public static Result run(SparkSession spark, ValidateSettings settings, List<String> moreInputs) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    try (AtomicOutputDir out = AtomicOutputDir.reserve(settings.out(), settings.overwrite(),
        "validate", OutputInputs.of(settings.inputPaths(), moreInputs), hadoop)) {
      ValidationReport report = validate(spark, settings);
      out.write(VALIDATION_JSON, ValidationJson.write(report));
      out.commit();
      CandidateResult best = report.best();
      LOG.info("validation of {} candidates over {} samples written to {}: {}",
          report.candidates().size(), report.samples(), out.target(),
          best == null ? "no candidate within the budget" : "best " + best.name());
      return new Result(report, out.target().toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the outputs to " + settings.out() + ": "
          + Failures.firstLine(e.getMessage()), e);
    }
  }

  /** Everything but the writing. */
  public static ValidationReport validate(SparkSession spark, ValidateSettings settings) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    checkGateOptions(settings);
    if (settings.batchSize() < 1) {
      throw new QcalException("--batch-size must be >= 1, got " + settings.batchSize());
    }
    // Folded only to rebuild the candidates of --calibration; the reference is the model as is.
    LoadedInputModel fp32 = settings.calibration() != null
        ? LoadedInputModel.load(settings.model(), hadoop)
        : LoadedInputModel.loadAsIs(settings.model(), hadoop);
    List<Candidate> candidates = candidates(settings, fp32, hadoop);
    PreparedValidation prepared = PreparedValidation.prepare(fp32.model(), settings.model(),
        fp32.digest(), candidates, settings.tensorErrors(),
        runtimeOptions(spark.sparkContext().getConf().getInt("spark.task.cpus", 1)));
    Gate gate = gate(settings, prepared.primaryOutputSpec());
    Validator.checkGate(prepared, gate, settings.label());
    PassData data = ModelData.load(spark, prepared.signature(), settings.data(),
        settings.format(), settings.imagePreprocessing(), settings.inputs(), settings.inputShapes(),
        settings.label(),
        settings.batchSize(), settings.limit(), settings.partitions());
    return Validator.run(spark, prepared, data, gate);
  }

  /**
   * The ONNX Runtime settings of validation sessions: {@code spark.task.cpus} threads and all
   * graph optimizations, ONNX Runtime's own default and so what a deployment runs. Calibration
   * keeps the extended level (it only taps float tensors); for the int8 candidates the layout
   * optimizations matter: at the extended level ONNX Runtime runs MaxPool on uint8 with a naive
   * kernel (three quarters of the shipped CNN's int8 forward), at this level with its NHWC
   * kernel, about 3x faster in all.
   */
  public static RuntimeOptions runtimeOptions(int taskCpus) {
    return RuntimeOptions.withThreads(taskCpus).withOptLevel(GraphOptLevel.ALL);
  }

  /** Refuses a bad --metric, --max-drop or --min-sqnr before any work. */
  public static void checkGateOptions(ValidateSettings settings) {
    if (settings.metric() != null) {
      ValidationMetric.parse(settings.metric());
    }
    new Gate(ValidationMetric.SQNR, settings.maxDrop(), settings.minSqnrDb());
  }

  /**
   * The gate of the settings. Without --metric: top1 with labels; else the agreement that fits
   * the primary output's shape ({@link OutputKind}), and the log says which and why.
   */
  public static Gate gate(ValidateSettings settings, TensorSpec primaryOutput) {
    ValidationMetric metric;
    if (settings.metric() != null) {
      metric = ValidationMetric.parse(settings.metric());
    } else if (settings.label() != null) {
      metric = ValidationMetric.TOP1;
    } else {
      OutputKind kind = OutputKind.of(primaryOutput);
      metric = kind.defaultMetric();
      LOG.info("gate metric: {}, as output '{}' {} is {}", metric, primaryOutput.name(),
          java.util.Arrays.toString(primaryOutput.shape()), kind.description());
    }
    return new Gate(metric, settings.maxDrop(), settings.minSqnrDb());
  }

  /** The candidates: every method of --calibration, then every --quantized file. */
  static List<Candidate> candidates(ValidateSettings settings, LoadedInputModel fp32,
      Configuration hadoop) {
    List<Candidate> candidates = new ArrayList<>();
    if (settings.calibration() != null) {
      candidates.addAll(CalibrationCandidates.candidates(
          CalibrationCandidates.read(settings.calibration(), hadoop), fp32.folding(),
          fp32.digest()));
    }
    Set<String> names = new HashSet<>();
    candidates.forEach(c -> names.add(c.name()));
    for (String file : settings.quantized()) {
      LoadedInputModel q = LoadedInputModel.loadAsIs(file, hadoop);
      String name = new Path(file).getName();
      for (int k = 2; names.contains(name); k++) {
        name = new Path(file).getName() + "#" + k;
      }
      names.add(name);
      candidates.add(Candidate.of(name, file, q.model(), q.digest()));
    }
    if (candidates.isEmpty()) {
      throw new QcalException("nothing to validate: give --quantized Q.onnx or --calibration DIR");
    }
    return candidates;
  }
}
