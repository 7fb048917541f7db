package org.qcal.jobs.api;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
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

  public ExportChoice {
    if (sampleRows < 1) {
      throw new BadArgument("chooseRows", "must be >= 1, got " + sampleRows);
    }
  }

  /** {@code method}, fixed (no rows are sampled). */
  public static ExportChoice of(CalibrationMethod method) {
    if (method == null) {
      throw new BadArgument("choose", "needs a method");
    }
    return new ExportChoice(method, 1);
  }

  /** Auto, comparing the exports on about {@code sampleRows} calibration rows. */
  public static ExportChoice auto(int sampleRows) {
    return new ExportChoice(null, sampleRows);
  }

  /** {@code auto} (comparing on about {@code sampleRows} rows) or a method id. */
  public static ExportChoice parse(String id, int sampleRows) {
    if (AUTO_ID.equalsIgnoreCase(id == null ? "" : id.trim())) {
      return auto(sampleRows);
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
    throw new BadArgument("choose", "must be one of " + String.join(", ", ids) + "; got " + id);
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
