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
 * @param out the output folder, or null to write nothing
 * @param overwrite whether an existing output folder (that qcal wrote) may be replaced
 */
public record TuneSettings(CalibrateSettings calibration, ValidateSettings validation,
    int maxFloatTensors, String out, boolean overwrite) {

  public TuneSettings {
    BadArgument.atLeast("maxFloatTensors", maxFloatTensors, 0);
  }

  public static Builder builder() {
    return new Builder();
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
      return new TuneSettings(c, validation.build(), maxFloatTensors, out, overwrite);
    }

    /** Builds and runs in {@code spark}'s session. */
    public TuneRun run(org.apache.spark.sql.SparkSession spark) {
      return Qcal.tune(spark, build());
    }
  }
}
