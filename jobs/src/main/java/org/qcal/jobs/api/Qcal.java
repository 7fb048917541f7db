package org.qcal.jobs.api;

import org.qcal.jobs.calibrate.CalibrateJob;
import org.qcal.jobs.spark.SparkSessions;
import org.qcal.jobs.tune.TuneJob;
import org.qcal.jobs.validate.ValidateJob;

import org.apache.spark.sql.SparkSession;

/**
 * The Java facade over qcal's jobs, for code and notebooks (Zeppelin's {@code %spark}): the same
 * runs as the command line, in the caller's Spark session, with exceptions instead of exit codes
 * ({@link org.qcal.QcalException} for bad input).
 *
 * <pre>{@code
 * CalibrationParameters p = CalibrationParameters.of(List.of("minmax", "entropy"), 99.999, 2048,
 *     "uint8", "int8", false, true, "entropy", 64);
 * Qcal.calibrate(spark, new CalibrateSettings("hdfs:///models/cnn.onnx",
 *     "hdfs:///data/calib.parquet", null, null, Map.of(), p, null, "hdfs:///out/cnn", false));
 * }</pre>
 */
public final class Qcal {
  private Qcal() {}

  /** Calibrates in {@code spark}'s session. */
  public static CalibrateJob.Result calibrate(SparkSession spark, CalibrateSettings settings) {
    return CalibrateJob.run(spark, settings);
  }

  /** Calibrates in the active session, or an embedded {@code local[*]} one. */
  public static CalibrateJob.Result calibrate(CalibrateSettings settings) {
    return calibrate(SparkSessions.getOrCreate("qcal calibrate"), settings);
  }

  /**
   * Validates candidates against the FP32 model in {@code spark}'s session and writes
   * validation.json. A failed gate is not an exception: check {@code result.passed()}.
   */
  public static ValidateJob.Result validate(SparkSession spark, ValidateSettings settings) {
    return ValidateJob.run(spark, settings);
  }

  /** Validates in the active session, or an embedded {@code local[*]} one. */
  public static ValidateJob.Result validate(ValidateSettings settings) {
    return validate(SparkSessions.getOrCreate("qcal validate"), settings);
  }

  /** Tunes in {@code spark}'s session: calibrate, validate candidates, choose. */
  public static TuneJob.Result tune(SparkSession spark, TuneSettings settings) {
    return TuneJob.run(spark, settings);
  }

  /** Tunes in the active session, or an embedded {@code local[*]} one. */
  public static TuneJob.Result tune(TuneSettings settings) {
    return tune(SparkSessions.getOrCreate("qcal tune"), settings);
  }
}
