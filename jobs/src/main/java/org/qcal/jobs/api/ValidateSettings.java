package org.qcal.jobs.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.qcal.jobs.validate.Gate;
import org.qcal.jobs.validate.ValidationMetric;

/**
 * A validation run, as {@link #builder()} assembles it: the FP32 model against candidates (the
 * exports of a calibration result or folder, QDQ files, or all of these) on the same rows.
 *
 * <pre>{@code
 * ValidationRun v = ValidateSettings.builder()
 *     .model("cnn.onnx").data(validationRows).label("label")
 *     .candidates(calibrated).maxDrop(0.5)
 *     .run(spark);
 * }</pre>
 *
 * @param model the FP32 ONNX model
 * @param quantized QDQ model files to validate, each named by its file name
 * @param calibration a calibrate or tune output folder whose exports become candidates, or null
 * @param calibrated a calibration result whose exports become candidates, or null
 * @param data the validation rows
 * @param label the label column (int or bigint class ids), or null
 * @param metric the gate's metric, or null for top1 with labels and else the agreement that fits
 *     the primary output
 * @param maxDrop the largest drop against FP32 a passing candidate may have, in points
 * @param minSqnrDb the lowest primary-output SQNR a passing candidate may have (metric sqnr)
 * @param batchSize rows per forward pass
 * @param partitions repartition the rows into this many partitions, or null to keep the data's
 *     (spread over the task slots when it has fewer)
 * @param tensorErrors whether to measure every quantized tensor, not only the outputs
 * @param out the output folder, or null to write nothing
 * @param overwrite whether an existing output folder (that qcal wrote) may be replaced
 */
public record ValidateSettings(
    InputModel model,
    List<String> quantized,
    String calibration,
    CalibrationResult calibrated,
    DataSource data,
    String label,
    ValidationMetric metric,
    double maxDrop,
    double minSqnrDb,
    int batchSize,
    Integer partitions,
    boolean tensorErrors,
    String out,
    boolean overwrite) {

  public ValidateSettings {
    quantized = List.copyOf(quantized);
    new Gate(ValidationMetric.SQNR, maxDrop, minSqnrDb); // refuses a bad budget early
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The paths this run reads, which its output folder must stay clear of. */
  public List<String> inputPaths() {
    List<String> paths = new ArrayList<>(quantized);
    Stream.of(model.path(), data.path(), calibration).filter(Objects::nonNull)
        .forEach(paths::add);
    return paths;
  }

  /** Whether any candidate comes from a calibration (whose exports use the folded graph). */
  public boolean fromCalibration() {
    return calibration != null || calibrated != null;
  }

  /** Builds {@link ValidateSettings}; defaults are those of {@link Defaults}. */
  public static final class Builder extends RunBuilder<Builder> {
    private final List<String> quantized = new ArrayList<>();
    private String calibration;
    private CalibrationResult calibrated;
    private String label;
    private ValidationMetric metric;
    private double maxDrop = Defaults.MAX_DROP;
    private double minSqnrDb = Defaults.MIN_SQNR_DB;
    private Integer partitions;
    private boolean tensorErrors = true;

    private Builder() {}

    /** Adds QDQ model files as candidates. */
    public Builder quantized(List<String> files) {
      quantized.addAll(files);
      return this;
    }

    /** Every export recorded in a calibrate or tune output folder becomes a candidate. */
    public Builder calibration(String dir) {
      this.calibration = dir;
      return this;
    }

    /** Every export of a calibration result (a notebook's, no files) becomes a candidate. */
    public Builder candidates(CalibrationResult result) {
      this.calibrated = Objects.requireNonNull(result, "calibration result");
      return this;
    }

    /** The column of class ids, for top1 and top5 (default: none). */
    public Builder label(String column) {
      this.label = column;
      return this;
    }

    /** top1, top5, agreement or sqnr (default: top1 with a label, else by output shape). */
    public Builder metric(ValidationMetric m) {
      this.metric = m;
      return this;
    }

    /** The largest allowed drop against FP32, in points (default 1.0). */
    public Builder maxDrop(double points) {
      new Gate(ValidationMetric.TOP1, points, minSqnrDb);
      this.maxDrop = points;
      return this;
    }

    /** With metric sqnr: the lowest allowed output SQNR in dB (default 20). */
    public Builder minSqnrDb(double db) {
      new Gate(ValidationMetric.SQNR, maxDrop, db);
      this.minSqnrDb = db;
      return this;
    }

    /** Repartition the rows into this many partitions (default: as the data comes). */
    public Builder partitions(int count) {
      this.partitions = BadArgument.atLeast("partitions", count, 1);
      return this;
    }

    /** Measure every quantized tensor, not only the outputs (default true). */
    public Builder tensorErrors(boolean on) {
      this.tensorErrors = on;
      return this;
    }

    public ValidateSettings build() {
      return new ValidateSettings(requireModel(), quantized, calibration, calibrated,
          dataSource(), label, metric, maxDrop, minSqnrDb, batchSize, partitions, tensorErrors,
          out, overwrite);
    }

    /** Builds and runs in {@code spark}'s session. */
    public ValidationRun run(org.apache.spark.sql.SparkSession spark) {
      return Qcal.validate(spark, build());
    }
  }
}
