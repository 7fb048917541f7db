package org.qcal.jobs.api;

import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.qcal.calib.CalibrationMethod;

/**
 * A calibration run, as {@link #builder()} assembles it for the command line, a notebook or
 * Java code.
 *
 * <pre>{@code
 * CalibrationResult r = CalibrateSettings.builder()
 *     .model("hdfs:///models/cnn.onnx")
 *     .data(spark.table("calibration_images"))
 *     .methods(CalibrationMethod.MINMAX, CalibrationMethod.MSE)
 *     .recipe(Recipe.builder().symmetricActivations(true).build())
 *     .run(spark).calibration();
 * }</pre>
 *
 * @param model the FP32 ONNX model
 * @param data the calibration rows
 * @param parameters how to calibrate
 * @param tapMemoryMb the budget of one task's tapped tensors per forward, in MiB: more taps
 *     than fit are split into groups run as separate forwards of the same batch
 * @param out the output folder, or null to write nothing
 * @param overwrite whether an existing output folder (that qcal wrote) may be replaced
 */
public record CalibrateSettings(
    InputModel model,
    DataSource data,
    CalibrationParameters parameters,
    int tapMemoryMb,
    String out,
    boolean overwrite) {

  public CalibrateSettings {
    BadArgument.atLeast("tapMemoryMb", tapMemoryMb, 1);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The paths this run reads, which its output folder must stay clear of. */
  public List<String> inputPaths() {
    return Stream.of(model.path(), data.path()).filter(Objects::nonNull).toList();
  }

  /** Builds {@link CalibrateSettings}; defaults are those of {@link Defaults}. */
  public static final class Builder extends RunBuilder<Builder> {
    private List<CalibrationMethod> methods = Defaults.METHODS;
    private int bins = Defaults.BINS;
    private int passes = Defaults.PASSES;
    private Recipe recipe = Recipe.builder().build();
    private ExportChoice choose = Defaults.CHOOSE;
    private int tapMemoryMb = Defaults.TAP_MEMORY_MB;
    private boolean biasCorrection = Defaults.BIAS_CORRECTION;
    private boolean smoothQuant = Defaults.SMOOTH_QUANT;
    private double smoothQuantAlpha = Defaults.SMOOTH_QUANT_ALPHA;

    private Builder() {}

    /** The methods computed from the same statistics (default: minmax, percentile, entropy, mse). */
    public Builder methods(List<CalibrationMethod> list) {
      if (list == null || list.isEmpty()) {
        throw new BadArgument("methods", "needs at least one method");
      }
      this.methods = list.stream().distinct().toList();
      return this;
    }

    public Builder methods(CalibrationMethod... list) {
      return methods(List.of(list));
    }

    /** Histogram bins on each side of zero (default 2048; entropy needs at least 128). */
    public Builder bins(int count) {
      this.bins = BadArgument.atLeast("bins", count, 1);
      return this;
    }

    /**
     * 1 (default): every method from one forward per row, the histograms on a power-of-two grid
     * that grows with the data; 2: statistics first, then histograms on the grid they fix, the
     * reference the one pass is measured against (docs/DESIGN.md, "One pass").
     */
    public Builder passes(int count) {
      if (count != 1 && count != 2) {
        throw new BadArgument("passes", "must be 1 or 2, got " + count);
      }
      this.passes = count;
      return this;
    }

    /**
     * What every method's export shares: types, rules, nodes in float (default: {@link
     * Recipe#builder()}'s); its method is replaced by each of the methods.
     */
    public Builder recipe(Recipe shared) {
      this.recipe = Objects.requireNonNull(shared, "recipe");
      return this;
    }

    /** The method exported, or {@link ExportChoice#AUTO} measured (default auto, 256 rows). */
    public Builder choose(ExportChoice choice) {
      this.choose = Objects.requireNonNull(choice, "choose");
      return this;
    }

    /** MiB one task may spend on one forward's tapped tensors (default 256). */
    public Builder tapMemoryMb(int mib) {
      this.tapMemoryMb = BadArgument.atLeast("tapMemoryMb", mib, 1);
      return this;
    }

    /**
     * Folds the mean output shift that weight quantization causes in each quantized Conv and
     * Gemm, measured on the calibration rows in one more pass, into its bias (default off;
     * docs/DESIGN.md, "Bias correction").
     */
    public Builder biasCorrection(boolean on) {
      this.biasCorrection = on;
      return this;
    }

    /**
     * Smooths the activations of the MatMul and Gemm projections written by a LayerNorm before
     * calibrating, from their per-channel max |x| measured in one more pass (default off;
     * docs/DESIGN.md, "SmoothQuant").
     */
    public Builder smoothQuant(boolean on) {
      this.smoothQuant = on;
      return this;
    }

    /** SmoothQuant's migration strength, in (0, 1] (default 0.5, the paper's). */
    public Builder smoothQuantAlpha(double alpha) {
      this.smoothQuantAlpha = CalibrationParameters.requireAlpha(alpha);
      return this;
    }

    public CalibrateSettings build() {
      if (biasCorrection && recipe.weightQuantization().fourBit()) {
        // The shift model quantizes weights per channel as DequantizeLinear does; MatMulNBits'
        // blocks and its int8 compute of A are another error it does not measure.
        throw new BadArgument("biasCorrection", "cannot be used with weightType "
            + recipe.weightType() + ": it corrects 8-bit weights only");
      }
      return new CalibrateSettings(requireModel(), dataSource(),
          new CalibrationParameters(methods, bins, passes, recipe, choose, batchSize,
              biasCorrection, smoothQuant, smoothQuantAlpha), tapMemoryMb, out,
          overwrite);
    }

    /** Builds and runs in {@code spark}'s session. */
    public CalibrationRun run(org.apache.spark.sql.SparkSession spark) {
      return Qcal.calibrate(spark, build());
    }
  }
}
