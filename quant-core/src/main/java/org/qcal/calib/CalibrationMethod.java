package org.qcal.calib;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import org.qcal.Check;
import org.qcal.QcalException;

/** The calibration methods by name, as the CLI spells them, and their calibrators. */
public enum CalibrationMethod {
  MINMAX("minmax", false, MinMaxCalibrator::new),
  AVERAGE_MINMAX("averageminmax", false, AverageMinMaxCalibrator::new),
  PERCENTILE("percentile", true, PercentileCalibrator::new),
  ENTROPY("entropy", true, EntropyCalibrator::new),
  MSE("mse", true, MseCalibrator::new);

  private final String id;
  private final boolean needsHistogram;
  private final Function<CalibrationOptions, Calibrator> factory;

  CalibrationMethod(String id, boolean needsHistogram,
      Function<CalibrationOptions, Calibrator> factory) {
    this.id = id;
    this.needsHistogram = needsHistogram;
    this.factory = factory;
  }

  /** The name on the command line and in calibration.json, e.g. {@code "entropy"}. */
  public String id() {
    return id;
  }

  /** Whether the method reads the histogram (and so needs the second pass). */
  public boolean needsHistogram() {
    return needsHistogram;
  }

  /** A calibrator of this method with the given options. */
  public Calibrator create(CalibrationOptions options) {
    return factory.apply(Check.notNull(options, "calibration options"));
  }

  /** A calibrator of this method with {@link CalibrationOptions#defaults()}. */
  public Calibrator create() {
    return create(CalibrationOptions.defaults());
  }

  /** Parses an id such as {@code "minmax"}, ignoring case. */
  public static CalibrationMethod parse(String id) {
    if (id != null) {
      for (CalibrationMethod m : values()) {
        if (m.id.equalsIgnoreCase(id.trim())) {
          return m;
        }
      }
    }
    throw new QcalException("calibration method must be one of " + ids() + ", got " + id);
  }

  private static String ids() {
    return Arrays.toString(Arrays.stream(values()).map(CalibrationMethod::id).toArray());
  }

  @Override
  public String toString() {
    return id.toLowerCase(Locale.ROOT);
  }
}
