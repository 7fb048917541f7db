package org.qcal.jobs.api;

import org.apache.spark.sql.SparkSession;
import org.qcal.jobs.calibrate.CalibrateJob;
import org.qcal.jobs.tune.TuneJob;
import org.qcal.jobs.validate.ValidateJob;

/**
 * The Java entry to qcal's runs, for code and notebooks (Zeppelin's {@code %spark}): the same
 * runs as the command line, in the caller's Spark session, with exceptions instead of exit codes
 * ({@link org.qcal.QcalException} for bad input, {@link BadArgument} naming the setting). Build
 * the settings with {@link CalibrateSettings#builder()}, {@link ValidateSettings#builder()} or
 * {@link TuneSettings#builder()}, whose {@code run(spark)} calls these.
 */
public final class Qcal {
  private Qcal() {}

  /** Calibrates in {@code spark}'s session. */
  public static CalibrationRun calibrate(SparkSession spark, CalibrateSettings settings) {
    return CalibrateJob.run(spark, settings, java.util.List.of());
  }

  /** Validates in {@code spark}'s session. */
  public static ValidationRun validate(SparkSession spark, ValidateSettings settings) {
    return ValidateJob.run(spark, settings, java.util.List.of());
  }

  /** Tunes in {@code spark}'s session: calibrate, validate candidates, choose. */
  public static TuneRun tune(SparkSession spark, TuneSettings settings) {
    return TuneJob.run(spark, settings, java.util.List.of());
  }
}
