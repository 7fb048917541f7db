package org.qcal.jobs.io;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.qcal.ElementType;
import org.qcal.jobs.data.BatchPlan;
import org.qcal.jobs.data.InputBinder;
import org.qcal.jobs.data.ModelInput;
import org.qcal.jobs.data.PassData;
import org.qcal.jobs.validate.CandidateResult;
import org.qcal.jobs.validate.Gate;
import org.qcal.jobs.validate.ValidationMetric;
import org.qcal.jobs.validate.ValidationReport;
import org.qcal.metrics.ClassificationCounts;
import org.qcal.metrics.ErrorSums;

/**
 * Validation results made by hand, without Spark: four rows of two classes, FP32 and two
 * candidates, with every count chosen so that the derived numbers are easy to check.
 *
 * <ul>
 *   <li>Labels {@code 0 1 0 0}; FP32 predicts {@code 0 1 0 1}: top-1 3 of 4 = 75 %; with two
 *       classes every label is in the top 5: 4 of 4 = 100 %.
 *   <li>{@code exact} predicts as FP32: top-1 3 of 4 = 75 %, agrees with FP32 on 4 of 4 = 100 %,
 *       top-1 drop {@code 100 * (3 - 3) / 4 = 0} points; its outputs equal FP32's: x = y = (3, 4),
 *       SQNR +Infinity (no error), cosine 1, MSE 0.
 *   <li>{@code flipped} predicts {@code 0 1 1 1}: top-1 2 of 4 = 50 %, agrees on rows 0, 1, 3 =
 *       75 %, drop {@code 100 * (3 - 2) / 4 = 25} points; outputs x = (3, 4), y = (4, 3): sum x^2
 *       = 25, sum (x - y)^2 = 2, SQNR {@code 10 log10(25 / 2) = 10.9691001300806} dB, cosine
 *       {@code 24 / sqrt(25 * 25) = 0.96}, MSE {@code 2 / 2 = 1}.
 *   <li>Per tensor, no sample was added: SQNR, cosine and MSE are undefined (NaN).
 * </ul>
 */
final class ValidationFixture {
  static final String MODEL = "models/cnn.onnx";
  static final String MODEL_SHA256 = "5f0c".repeat(16);
  static final String DATA = "data/calib.parquet";
  static final long[] LABELS = {0, 1, 0, 0};
  static final int[] FP32 = {0, 1, 0, 1};
  static final int[] FLIPPED = {0, 1, 1, 1};
  /** 10 log10(25 / 2), the SQNR of {@code flipped}'s output. */
  static final double FLIPPED_SQNR_DB = 10.9691001300806;
  /** The top-1 gate with a budget of one point. */
  static final Gate TOP1 = new Gate(ValidationMetric.TOP1, 1.0, Gate.DEFAULT_MIN_SQNR_DB);
  /** The SQNR gate with a floor of 20 dB. */
  static final Gate SQNR = new Gate(ValidationMetric.SQNR, Gate.DEFAULT_MAX_DROP, 20.0);

  private ValidationFixture() {}

  /** The counts of {@code predicted} against the labels and, when given, FP32's predictions. */
  static ClassificationCounts counts(int[] predicted, int[] reference) {
    float[] scores = new float[predicted.length * 2];
    for (int r = 0; r < predicted.length; r++) {
      scores[2 * r + predicted[r]] = 1f;
    }
    return new ClassificationCounts().update(scores, 0, predicted.length, 2, LABELS, reference);
  }

  /** The error sums of one sample, reference {@code x} against {@code y}. */
  static ErrorSums sums(float[] x, float[] y) {
    return new ErrorSums().update(x, 0, y, 0, x.length);
  }

  static ErrorSums exactOutput() {
    return sums(new float[] {3, 4}, new float[] {3, 4});
  }

  static ErrorSums flippedOutput() {
    return sums(new float[] {3, 4}, new float[] {4, 3});
  }

  /** Input x [?, 2] read from column pixels of {@link #DATA}, labels in {@code label} or none. */
  static PassData data(String label) {
    StructType schema = new StructType()
        .add("pixels", DataTypes.createArrayType(DataTypes.FloatType))
        .add("label", DataTypes.IntegerType);
    List<ModelInput> inputs = List.of(new ModelInput("x", ElementType.FLOAT32, new long[] {-1, 2}));
    BatchPlan plan = new BatchPlan(InputBinder.bind(inputs, schema, Map.of("x", "pixels"), DATA),
        schema, 4, label, DATA);
    return new PassData(null, plan, DATA, "parquet", Map.of("x", "pixels"));
  }

  static CandidateResult candidate(String name, boolean passed, double value, double drop,
      ClassificationCounts counts, ErrorSums output) {
    return new CandidateResult(name, "calibration.json " + name, name + "-sha256", 0,
        passed, value, drop, counts, null, Map.of("logits", output),
        Map.of("relu_out", new ErrorSums()));
  }

  /** A report of {@code candidates} (ranked by the report) on the four rows. */
  static ValidationReport report(Gate gate, String classOutput, ClassificationCounts reference,
      CandidateResult... candidates) {
    return ValidationReport.of(MODEL, MODEL_SHA256, data(classOutput == null ? null : "label"),
        LABELS.length, gate, classOutput, reference, List.of("logits"), List.of("relu_out"),
        List.of(candidates), null);
  }

  /** Top-1 gated: {@code exact} (drop 0) passes, {@code flipped} (drop 25) does not. */
  static ValidationReport classifying() {
    return report(TOP1, "logits", counts(FP32, null),
        candidate("flipped", false, 50.0, 25.0, counts(FLIPPED, FP32), flippedOutput()),
        candidate("exact", true, 75.0, 0.0, counts(FP32, FP32), exactOutput()));
  }

  /** SQNR gated, no class output: {@code exact} (+Infinity dB) passes, {@code flipped} not. */
  static ValidationReport sqnrGated() {
    return report(SQNR, null, null,
        candidate("flipped", false, flippedOutput().sqnrDb(), Double.NaN, null, flippedOutput()),
        candidate("exact", true, Double.POSITIVE_INFINITY, Double.NaN, null, exactOutput()));
  }
}
