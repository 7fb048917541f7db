package org.qcal.jobs.validate;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.qcal.jobs.api.BadArgument;
import org.qcal.jobs.api.ValidateSettings;
import org.qcal.jobs.api.ValidationRun;
import org.qcal.jobs.data.ModelData;
import org.qcal.jobs.data.PassData;
import org.qcal.jobs.io.CalibrationFile;
import org.qcal.jobs.io.LoadedInputModel;
import org.qcal.jobs.io.OutputRun;
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

  private ValidateJob() {}

  /**
   * Validates and, when the settings name an output folder, writes validation.json into it;
   * keeps that folder clear of {@code moreInputs} too (the command line's config file).
   */
  public static ValidationRun run(SparkSession spark, ValidateSettings settings,
      List<String> moreInputs) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    return OutputRun.run(settings.out(), settings.overwrite(), "validate",
        settings.inputPaths(), moreInputs, hadoop, out -> {
          ValidationReport report = validate(spark, settings);
          CandidateResult best = report.best();
          String verdict = best == null ? "no candidate within the budget" : "best " + best.name();
          if (out == null) {
            LOG.info("validation of {} candidates over {} samples: {}",
                report.candidates().size(), report.samples(), verdict);
            return new ValidationRun(report, null);
          }
          out.write(VALIDATION_JSON, ValidationJson.write(report));
          out.commit();
          LOG.info("validation of {} candidates over {} samples written to {}: {}",
              report.candidates().size(), report.samples(), out.target(), verdict);
          return new ValidationRun(report, out.target().toString());
        });
  }

  /** Everything but the writing. */
  public static ValidationReport validate(SparkSession spark, ValidateSettings settings) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    // Folded only to rebuild the candidates of a calibration; the reference is the model as is.
    LoadedInputModel fp32 = settings.model().load(hadoop, settings.fromCalibration());
    List<Candidate> candidates = candidates(settings, fp32, hadoop);
    PreparedValidation prepared = PreparedValidation.prepare(fp32.model(),
        settings.model().name(), fp32.digest(), candidates, settings.tensorErrors(),
        runtimeOptions(spark.sparkContext().getConf().getInt("spark.task.cpus", 1)));
    Gate gate = gate(settings, prepared.primaryOutputSpec());
    Validator.checkGate(prepared, gate, settings.label());
    PassData data = ModelData.load(spark, prepared.signature(), settings.data(),
        settings.label(), settings.batchSize(), settings.partitions());
    return Validator.run(spark, prepared, data, gate);
  }

  /**
   * The ONNX Runtime settings of validation sessions: {@code spark.task.cpus} threads and all
   * graph optimizations, ONNX Runtime's own default and so what a deployment runs; calibrate's
   * tap models run at the same level (their NCHWc Conv kernels, docs/BENCHMARKS.md "Tap model
   * forward"). For the int8 candidates the layout optimizations matter: at the extended level
   * ONNX Runtime runs MaxPool on uint8 with a naive kernel (three quarters of the shipped CNN's
   * int8 forward), at this level with its NHWC kernel, about 3x faster in all.
   */
  public static RuntimeOptions runtimeOptions(int taskCpus) {
    return RuntimeOptions.withThreads(taskCpus).withOptLevel(GraphOptLevel.ALL);
  }

  /**
   * The gate of the settings. Without --metric: top1 with labels; else the agreement that fits
   * the primary output's shape ({@link OutputKind}), and the log says which and why.
   */
  public static Gate gate(ValidateSettings settings, TensorSpec primaryOutput) {
    ValidationMetric metric;
    if (settings.metric() != null) {
      metric = settings.metric();
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

  /** The candidates: every export of a calibration folder or result, then every file. */
  static List<Candidate> candidates(ValidateSettings settings, LoadedInputModel fp32,
      Configuration hadoop) {
    List<Candidate> candidates = new ArrayList<>();
    if (settings.calibration() != null) {
      candidates.addAll(CalibrationCandidates.candidates(
          CalibrationFile.read(settings.calibration(), hadoop), fp32));
    }
    if (settings.calibrated() != null) {
      candidates.addAll(CalibrationCandidates.candidates(settings.calibrated(), fp32));
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
      throw new BadArgument("candidates", "is needed: nothing to validate");
    }
    return candidates;
  }
}
