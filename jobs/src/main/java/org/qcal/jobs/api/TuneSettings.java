package org.qcal.jobs.api;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A tune run: calibrate on one dataset, validate every candidate on another, choose.
 *
 * <pre>{@code
 * TuneRun t = TuneSettings.builder()
 *     .calibration(c -> c.model("cnn.onnx").data(calibrationRows))
 *     .validation(v -> v.data(validationRows).label("label").maxDrop(1.0))
 *     .run(spark);
 * }</pre>
 *
 * @param calibration the calibration half (its output is not used)
 * @param validation the validation half: the same model, data, label, metric, budget (its
 *     output and candidates are not used)
 * @param maxFloatTensors how many tensors the fallback may keep in float, one step each
 * @param targetDrop the drop the fallback aims at, in points of the metric (the budget when
 *     larger)
 * @param biasVariants whether every candidate is validated both without and with bias correction
 * @param out the output folder, or null to write nothing
 * @param overwrite whether an existing output folder (that qcal wrote) may be replaced
 */
public record TuneSettings(CalibrateSettings calibration, ValidateSettings validation,
    int maxFloatTensors, double targetDrop, boolean biasVariants, String out,
    boolean overwrite) {

  public TuneSettings {
    BadArgument.atLeast("maxFloatTensors", maxFloatTensors, 0);
    checkTargetDrop(targetDrop);
  }

  private static double checkTargetDrop(double points) {
    if (!(points >= 0) || !Double.isFinite(points)) {
      throw new BadArgument("targetDrop", "must be a finite number of points >= 0, got "
          + points);
    }
    return points;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The calibration tune runs: the calibration half, measuring bias shifts too when the
   * candidates have bias-corrected variants.
   */
  public CalibrateSettings tuneCalibration() {
    CalibrationParameters p = calibration.parameters();
    // 4-bit weights: bias correction measures 8-bit weights only (CalibrateSettings refuses it).
    if (!biasVariants || p.biasCorrection() || p.recipe().weightQuantization().fourBit()) {
      return calibration;
    }
    return new CalibrateSettings(calibration.model(), calibration.data(),
        p.withBiasCorrection(true), calibration.tapMemoryMb(), calibration.out(),
        calibration.overwrite());
  }

  /** The paths this run reads, which its output folder must stay clear of. */
  public List<String> inputPaths() {
    List<String> paths = new ArrayList<>(calibration.inputPaths());
    paths.addAll(validation.inputPaths());
    return paths;
  }

  /** Builds {@link TuneSettings}: the model is set on the calibration half and used by both. */
  public static final class Builder {
    private final CalibrateSettings.Builder calibration = CalibrateSettings.builder();
    private final ValidateSettings.Builder validation = ValidateSettings.builder();
    private int maxFloatTensors = Defaults.MAX_FLOAT_TENSORS;
    private double targetDrop = Defaults.TARGET_DROP;
    private boolean biasVariants = Defaults.BIAS_VARIANTS;
    private String out;
    private boolean overwrite;

    private Builder() {}

    /** Sets the model, the calibration data and how to calibrate. */
    public Builder calibration(Consumer<CalibrateSettings.Builder> settings) {
      settings.accept(calibration);
      return this;
    }

    /** Sets the validation data, the label, the metric and the budget. */
    public Builder validation(Consumer<ValidateSettings.Builder> settings) {
      settings.accept(validation);
      return this;
    }

    /** At most this many tensors kept in float by the fallback (default 8). */
    public Builder maxFloatTensors(int count) {
      this.maxFloatTensors = BadArgument.atLeast("maxFloatTensors", count, 0);
      return this;
    }

    /**
     * The drop the fallback aims at, in points of the metric (default 0.3): when the best
     * candidate within the budget drops more, tensors are kept in float, the most sensitive
     * first, until a step is within it. At the budget or above, the fallback runs only when no
     * candidate is within the budget.
     */
    public Builder targetDrop(double points) {
      this.targetDrop = checkTargetDrop(points);
      return this;
    }

    /**
     * Validates every candidate both without and with bias correction (default true); the
     * shifts are measured in one more pass over the calibration rows. False: the candidates
     * follow the calibration's bias correction setting.
     */
    public Builder biasVariants(boolean on) {
      this.biasVariants = on;
      return this;
    }

    /** Writes the outputs into {@code dir}, atomically (default: none). */
    public Builder output(String dir) {
      this.out = dir;
      return this;
    }

    /** Replace an existing output folder that qcal wrote (default false). */
    public Builder overwrite(boolean replace) {
      this.overwrite = replace;
      return this;
    }

    public TuneSettings build() {
      CalibrateSettings c = calibration.build();
      validation.model = c.model();
      return new TuneSettings(c, validation.build(), maxFloatTensors, targetDrop, biasVariants,
          out, overwrite);
    }

    /** Builds and runs in {@code spark}'s session. */
    public TuneRun run(org.apache.spark.sql.SparkSession spark) {
      return Qcal.tune(spark, build());
    }
  }
}
