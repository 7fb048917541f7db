package org.qcal.jobs.api;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.qcal.QcalException;
import org.qcal.calib.CalibrationMethod;

/**
 * Which method's parameters the exported model carries ({@code --choose}): a fixed method, or
 * {@code auto}, the method whose export has the highest output SQNR against FP32 on a sample of
 * the calibration rows (docs/DESIGN.md "Choosing the exported method").
 *
 * @param method the fixed method, or null for auto
 * @param sampleRows for auto: about how many calibration rows the exports are compared on
 */
public record ExportChoice(CalibrationMethod method, int sampleRows) implements Serializable {
  public static final String AUTO_ID = "auto";
  /** {@code --choose-rows}' default: an SQNR over 256 rows moves by well under 0.1 dB. */
  public static final int DEFAULT_SAMPLE_ROWS = 256;
  public static final ExportChoice AUTO = new ExportChoice(null, DEFAULT_SAMPLE_ROWS);

  public ExportChoice {
    if (sampleRows < 1) {
      throw new QcalException("--choose-rows must be >= 1, got " + sampleRows);
    }
  }

  public static ExportChoice of(CalibrationMethod method) {
    if (method == null) {
      throw new IllegalArgumentException("a fixed choice needs a method");
    }
    return new ExportChoice(method, DEFAULT_SAMPLE_ROWS);
  }

  /** {@code auto} or a method id; the message names {@code option}. */
  public static ExportChoice parse(String option, String id) {
    return parse(option, id, DEFAULT_SAMPLE_ROWS);
  }

  /** As {@link #parse(String, String)}, auto comparing on about {@code sampleRows} rows. */
  public static ExportChoice parse(String option, String id, int sampleRows) {
    if (AUTO_ID.equalsIgnoreCase(id == null ? "" : id.trim())) {
      return new ExportChoice(null, sampleRows);
    }
    for (CalibrationMethod m : CalibrationMethod.values()) {
      if (id != null && m.id().equalsIgnoreCase(id.trim())) {
        return of(m);
      }
    }
    List<String> ids = new ArrayList<>(List.of(AUTO_ID));
    for (CalibrationMethod m : CalibrationMethod.values()) {
      ids.add(m.id());
    }
    throw new QcalException(option + " must be one of " + String.join(", ", ids) + "; got "
        + id);
  }

  public boolean auto() {
    return method == null;
  }

  public String id() {
    return auto() ? AUTO_ID : method.id();
  }

  @Override
  public String toString() {
    return id();
  }
}
