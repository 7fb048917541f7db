package org.qcal.jobs;

import static org.apache.spark.sql.functions.col;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.qcal.calib.CalibrationMethod;
import org.qcal.jobs.api.BiasShifts;
import org.qcal.jobs.api.CalibrationResult;
import org.qcal.jobs.api.CalibrationRun;
import org.qcal.jobs.api.QuantizedExport;
import org.qcal.jobs.api.TensorCalibration;
import org.qcal.jobs.io.LoadedInputModel;
import org.qcal.jobs.validate.ValidateJob;
import org.qcal.metrics.TopK;
import org.qcal.quant.QuantParams;
import org.qcal.runtime.ModelOutputs;
import org.qcal.runtime.ModelRunner;
import org.qcal.runtime.ModelSource;

/** Shared helpers of the validate tests: a calibrate run, a bad candidate, ORT counts, the CLI. */
final class ValidateTestSupport {
  private ValidateTestSupport() {}

  /** A calibrate output of the CNN over the first {@code rows} slice rows. */
  static CalibrationRun calibrate(SparkSession spark, Path out, long rows,
      List<String> methods, String choose) {
    return TestRuns.calibrate(TestPaths.model("cnn.onnx"), TestPaths.slice(), methods, choose, 64)
        .limit(rows).output(out.toString()).run(spark);
  }

  /**
   * The QDQ export of the CNN with {@code method}'s activation params, every activation scale
   * divided by 100: almost every activation saturates, so its predictions are nonsense.
   */
  static Path writeBadCandidate(CalibrationResult calibration, CalibrationMethod method,
      Path file) throws Exception {
    LoadedInputModel fp32 = LoadedInputModel.load(TestPaths.model("cnn.onnx"),
        new org.apache.hadoop.conf.Configuration());
    Map<String, QuantParams> params = new LinkedHashMap<>();
    for (TensorCalibration t : calibration.tensors()) {
      QuantParams p = t.params().get(method);
      params.put(t.name(), QuantParams.of(p.scale() / 100, p.zeroPoint(), p.type()));
    }
    QuantizedExport bad = QuantizedExport.withParams("bad", fp32,
        calibration.parameters().recipe(method), params, BiasShifts.NONE);
    Files.write(file, bad.bytes());
    return file;
  }

  /** The first {@code n} slice rows, in file order (what --limit n validates). */
  static List<Row> sliceRows(SparkSession spark, int n) {
    return spark.read().parquet(TestPaths.slice()).limit(n).collectAsList();
  }

  /** Slice rows {@code from} (inclusive) to {@code to} (exclusive) by their index in the file. */
  static Dataset<Row> sliceRange(SparkSession spark, long from, long to) {
    return spark.read().parquet(TestPaths.slice())
        .select(col("*"), col("_metadata.row_index").as("row"))
        .filter(col("row").geq(from).and(col("row").lt(to))).drop("row");
  }

  /** Single-machine ORT, configured as validate's sessions: rows the model's top-1 gets right. */
  static int top1Correct(ModelSource model, List<Row> rows) {
    int correct = 0;
    try (ModelRunner runner = ModelRunner.open(model, ValidateJob.runtimeOptions(1))) {
      int batch = 100;
      for (int start = 0; start < rows.size(); start += batch) {
        int n = Math.min(batch, rows.size() - start);
        float[] pixels = new float[n * 784];
        for (int r = 0; r < n; r++) {
          List<Float> values = rows.get(start + r).getList(0);
          for (int i = 0; i < 784; i++) {
            pixels[r * 784 + i] = values.get(i);
          }
        }
        ModelOutputs out = runner.setFloats("input", pixels, n, 1, 28, 28).run();
        float[] logits = out.floats("logits");
        for (int r = 0; r < n; r++) {
          if (TopK.argmax(logits, r * 10, 10) == rows.get(start + r).getInt(1)) {
            correct++;
          }
        }
      }
    }
    return correct;
  }

  /** What a CLI run printed and returned. */
}
