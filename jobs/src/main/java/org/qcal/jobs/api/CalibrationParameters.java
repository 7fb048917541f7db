package org.qcal.jobs.api;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.qcal.Check;
import org.qcal.calib.CalibrationMethod;
import org.qcal.calib.CalibrationOptions;

/**
 * How to calibrate, validated: every method computed from the same statistics, the histogram
 * resolution, the recipe every method's export shares (types, rules, nodes in float), and the
 * method whose parameters the exported model carries (or {@code auto}, decided by measuring
 * every method's export).
 *
 * @param methods the methods computed, in order (ties of {@code auto} go to the first)
 * @param bins histogram bins on each side of zero
 * @param passes 1: statistics and histograms in one pass, the histograms on a power-of-two grid
 *     that grows with the data (at least {@code bins} per side at the end); 2: statistics, then
 *     histograms on the grid of exactly {@code bins} per side they fix (docs/DESIGN.md, "One
 *     pass")
 * @param recipe the shared recipe; its method is replaced by each of {@code methods}, its bias
 *     correction by {@code biasCorrection}
 * @param choose the exported method, or auto
 * @param batchSize rows per forward
 * @param biasCorrection fold each quantized Conv's and Gemm's mean output shift, measured on the
 *     calibration rows, into its bias (docs/DESIGN.md, "Bias correction")
 * @param smoothQuant smooth the activations of the MatMul and Gemm projections after a LayerNorm
 *     before calibrating (docs/DESIGN.md, "SmoothQuant")
 * @param smoothQuantAlpha SmoothQuant's migration strength, in (0, 1]
 */
public record CalibrationParameters(
    List<CalibrationMethod> methods,
    int bins,
    int passes,
    Recipe recipe,
    ExportChoice choose,
    int batchSize,
    boolean biasCorrection,
    boolean smoothQuant,
    double smoothQuantAlpha) implements Serializable {

  /** TensorRT's entropy algorithm quantizes the |x| histogram to 128 levels: it needs more bins. */
  public static final int ENTROPY_MIN_BINS = 128;

  public CalibrationParameters {
    methods = List.copyOf(methods);
    if (methods.isEmpty()) {
      throw new BadArgument("methods", "at least one method is needed");
    }
    BadArgument.atLeast("bins", bins, 1);
    if (methods.contains(CalibrationMethod.ENTROPY) && bins < ENTROPY_MIN_BINS) {
      throw new BadArgument("bins", "must be >= " + ENTROPY_MIN_BINS
          + " for the entropy method (128 quantization levels), got " + bins);
    }
    if (passes != 1 && passes != 2) {
      throw new BadArgument("passes", "must be 1 or 2, got " + passes);
    }
    Check.notNull(recipe, "recipe");
    recipe = recipe.withBiasCorrection(biasCorrection);
    Check.notNull(choose, "choose");
    if (!choose.auto() && !methods.contains(choose.method())) {
      throw new BadArgument("choose", choose + " is not among the methods " + ids(methods));
    }
    BadArgument.atLeast("batchSize", batchSize, 1);
    requireAlpha(smoothQuantAlpha);
  }

  /** These parameters without SmoothQuant. */
  public CalibrationParameters(List<CalibrationMethod> methods, int bins, int passes,
      Recipe recipe, ExportChoice choose, int batchSize, boolean biasCorrection) {
    this(methods, bins, passes, recipe, choose, batchSize, biasCorrection, false,
        Defaults.SMOOTH_QUANT_ALPHA);
  }

  /** SmoothQuant's alpha, or a {@link BadArgument} naming it. */
  static double requireAlpha(double alpha) {
    if (!(alpha > 0 && alpha <= 1)) {
      throw new BadArgument("smoothQuantAlpha", "must be in (0, 1], got " + alpha);
    }
    return alpha;
  }

  /** These parameters exporting {@code choice}'s parameters. */
  public CalibrationParameters withChoice(ExportChoice choice) {
    return new CalibrationParameters(methods, bins, passes, recipe, choice, batchSize,
        biasCorrection, smoothQuant, smoothQuantAlpha);
  }

  /** These parameters with bias correction on or off. */
  public CalibrationParameters withBiasCorrection(boolean on) {
    return new CalibrationParameters(methods, bins, passes, recipe, choose, batchSize, on,
        smoothQuant, smoothQuantAlpha);
  }

  /** The recipe of {@code method}: the shared one with that method. */
  public Recipe recipe(CalibrationMethod method) {
    return recipe.withMethod(method);
  }

  /** Whether any method reads histograms (a second pass, when {@code passes} is 2). */
  public boolean needsHistograms() {
    return methods.stream().anyMatch(CalibrationMethod::needsHistogram);
  }

  /** The calibrator settings for activations. */
  public CalibrationOptions calibrationOptions() {
    return recipe.calibrationOptions();
  }

  private static String ids(List<CalibrationMethod> methods) {
    List<String> ids = new ArrayList<>();
    for (CalibrationMethod m : methods) {
      ids.add(m.id());
    }
    return String.join(",", ids);
  }
}
