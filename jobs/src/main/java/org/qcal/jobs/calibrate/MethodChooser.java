package org.qcal.jobs.calibrate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.qcal.calib.CalibrationMethod;
import org.qcal.jobs.api.CalibrateSettings;
import org.qcal.jobs.api.CalibrationParameters;
import org.qcal.jobs.api.MethodComparison;
import org.qcal.jobs.api.QuantizedExport;
import org.qcal.jobs.data.ModelData;
import org.qcal.jobs.data.PassData;
import org.qcal.jobs.data.PositionSample;
import org.qcal.jobs.io.LoadedInputModel;
import org.qcal.jobs.io.OutputLocation;
import org.qcal.jobs.validate.Candidate;
import org.qcal.jobs.validate.CandidateResult;
import org.qcal.jobs.validate.Gate;
import org.qcal.jobs.validate.PreparedValidation;
import org.qcal.jobs.validate.ValidateJob;
import org.qcal.jobs.validate.ValidationMetric;
import org.qcal.jobs.validate.ValidationReport;
import org.qcal.jobs.validate.Validator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --choose auto}: exports every method's parameters, runs the exports beside the FP32
 * model over a hash sample of the calibration rows (one validation pass, outputs only) and picks
 * the highest output SQNR. No single method is within 1 dB of the best on every model of the
 * corpus (docs/MODELS.md): minmax wins where others clip attention, mse or percentile where
 * outliers stretch a CNN's ranges; measuring is what tune does, on data the user already gave.
 */
final class MethodChooser {
  private static final Logger LOG = LoggerFactory.getLogger(MethodChooser.class);

  private MethodChooser() {}

  /**
   * @param exports one per method of the settings, in their order
   * @param calibrationRows rows the calibration passes saw, to size the sample
   */
  static MethodComparison choose(SparkSession spark, CalibrateSettings settings,
      LoadedInputModel fp32, List<QuantizedExport> exports, long calibrationRows) {
    CalibrationParameters p = settings.parameters();
    List<Candidate> candidates = new ArrayList<>();
    // Exported from the graph calibrated (BatchNormalization folded), compared with the user's
    // model; one export per method, named by its id.
    exports.forEach(e -> candidates.add(Candidate.of(e, "calibrate --choose auto")));
    PreparedValidation prepared = PreparedValidation.prepare(fp32.model(), settings.model().name(),
        fp32.digest(), candidates, false,
        ValidateJob.runtimeOptions(CalibrateJob.taskCpus(spark)));
    PassData data = ModelData.load(spark, prepared.signature(), settings.data(), null,
        p.batchSize(), null);
    double share = Math.min(1.0, (double) p.choose().sampleRows() / calibrationRows);
    PositionSample sample = new PositionSample(data.plan(), share,
        settings.data().path() == null ? "" : rootPath(spark, settings.data().path()));
    if (share < 1 && !sample.positioned()) {
      LOG.info("--choose auto: rows of {} carry no file positions; comparing on all {} rows",
          settings.data(), calibrationRows);
    }
    ValidationReport report = Validator.run(spark, prepared, data.filtered(sample),
        Gate.of(ValidationMetric.SQNR));
    Map<CalibrationMethod, Double> sqnr = new LinkedHashMap<>();
    CalibrationMethod best = null;
    for (CalibrationMethod method : p.methods()) {
      CandidateResult r = report.candidate(method.id());
      double db = r.primaryOutput().sqnrDb();
      sqnr.put(method, db);
      if (best == null || better(db, sqnr.get(best))) {
        best = method;
      }
    }
    MethodComparison comparison = new MethodComparison(report.samples(), prepared.primaryOutput(),
        sqnr, best);
    LOG.info("--choose auto: {} (output '{}' SQNR on {} calibration rows: {})", best.id(),
        comparison.output(), comparison.rows(), describe(sqnr));
    return comparison;
  }

  /** The path part of the data root, qualified (no glob), for {@link PositionSample}. */
  private static String rootPath(SparkSession spark, String data) {
    org.apache.hadoop.fs.Path root =
        new org.apache.hadoop.fs.Path(OutputLocation.globFreePrefix(data));
    try {
      return root.getFileSystem(spark.sparkContext().hadoopConfiguration()).makeQualified(root)
          .toUri().getPath();
    } catch (java.io.IOException | IllegalArgumentException e) {
      return ""; // files then count by their names
    }
  }

  /** Higher SQNR wins; NaN (an output that is NaN) never does; ties keep the earlier method. */
  private static boolean better(double candidate, double best) {
    return !Double.isNaN(candidate) && (Double.isNaN(best) || candidate > best);
  }

  private static String describe(Map<CalibrationMethod, Double> sqnr) {
    List<String> parts = new ArrayList<>();
    sqnr.forEach((m, db) -> parts.add(String.format(Locale.ROOT, "%s %.1f dB", m.id(), db)));
    return String.join(", ", parts);
  }
}
