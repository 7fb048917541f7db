package org.qcal.jobs.api;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.qcal.QcalException;
import org.qcal.calib.CalibrationMethod;
import org.qcal.calib.Calibrator;
import org.qcal.calib.Range;
import org.qcal.quant.QuantParams;
import org.qcal.stats.Histogram;
import org.qcal.stats.TensorStats;

/**
 * One tapped tensor's result on the driver: its merged statistics and histogram, the range each
 * method derives from them, and the parameters of each range. Every method sees the same
 * histogram, so methods differ only in how they read it.
 *
 * @param name the tapped tensor
 * @param sharedBy every tensor of the exported model that uses this tensor's parameters
 * @param stats pass 1
 * @param histogram pass 2, or null when no method needs it
 * @param ranges per method
 * @param params per method
 * @param basis the recipe whose activation settings (type, rule, percentile) the ranges were
 *     derived under, or null when not known
 */
public record TensorCalibration(String name, List<String> sharedBy, TensorStats stats,
    Histogram histogram, Map<CalibrationMethod, Range> ranges,
    Map<CalibrationMethod, QuantParams> params, Recipe basis) {

  /** Runs every method of {@code parameters} on the tensor's statistics. */
  public static TensorCalibration derive(String name, List<String> sharedBy, TensorStats stats,
      Histogram histogram, CalibrationParameters parameters) {
    requireFinite(name, stats);
    Map<CalibrationMethod, Range> ranges = new EnumMap<>(CalibrationMethod.class);
    Map<CalibrationMethod, QuantParams> params = new EnumMap<>(CalibrationMethod.class);
    for (CalibrationMethod method : parameters.methods()) {
      Calibrator calibrator = method.create(parameters.calibrationOptions());
      Range range = calibrator.calibrate(stats, histogram);
      ranges.put(method, range);
      params.put(method, parameters.recipe().params(range));
    }
    return new TensorCalibration(name, List.copyOf(sharedBy), stats, histogram,
        Collections.unmodifiableMap(ranges), Collections.unmodifiableMap(params),
        parameters.recipe());
  }

  /**
   * The range {@code recipe} derives for this tensor: the one derived already when the recipe
   * calibrates as {@link #basis()} does (entropy and mse searches are not cheap), else computed.
   */
  public Range range(Recipe recipe) {
    Range known = ranges.get(recipe.methodOf(name));
    if (known != null && basis != null && recipe.calibratesLike(basis)) {
      return known;
    }
    return recipe.range(name, stats, histogram);
  }

  /** Refuses a tensor without a single finite value: no range can be derived for it. */
  public static void requireFinite(String name, TensorStats stats) {
    if (stats.hasNoFinite()) {
      throw new QcalException("tensor '" + name + "' has no finite value over " + stats.samples()
          + " samples (NaN " + stats.nanCount() + ", +Inf " + stats.posInfCount() + ", -Inf "
          + stats.negInfCount() + "): check the data and the model");
    }
  }

}
