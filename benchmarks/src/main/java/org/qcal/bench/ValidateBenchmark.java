package org.qcal.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.qcal.jobs.JobsTestSpark;
import org.qcal.jobs.TestPaths;
import org.qcal.jobs.api.ValidateSettings;
import org.qcal.jobs.data.Batch;
import org.qcal.jobs.data.BatchPlan;
import org.qcal.jobs.validate.ValidateJob;
import org.qcal.jobs.validate.ValidationReport;
import org.qcal.runtime.ModelRunner;
import org.qcal.runtime.ModelSource;
import org.qcal.runtime.RuntimeOptions;

/**
 * The validate benchmark of issue 5 (a command, not a test): on the shipped CNN, over the slice
 * repeated to {@code rows} rows, in one local[2] session, best of {@code rounds}:
 *
 * <ul>
 *   <li>plain FP32 inference of the original model, and plain inference of one int8 QDQ
 *       candidate, with the same job shape (per-partition runner, batches of 64, one result per
 *       task) and the same ONNX Runtime settings as validate's ({@link
 *       ValidateJob#runtimeOptions});
 *   <li>validate with 1 candidate and with 4 (the minmax, percentile, entropy, mse exports of one
 *       calibration), each with and without the per-tensor analysis.
 * </ul>
 *
 * The cost one candidate adds, in FP32 forwards, for k candidates: {@code (validate cost / FP32
 * inference cost - 1) / k}, from task-thread CPU time per row (forwards and metrics; robust to
 * other load on a shared machine) and from wall-clock rows/s. Run with {@code
 * benchmarks/validate-bench.sh [ROWS] [ROUNDS]}.
 */
public final class ValidateBenchmark {
  private static final int BATCH = 64;

  public static void main(String[] args) throws Exception {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 20_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path work = Files.createTempDirectory("qcal-validate-bench");
    SparkSession spark = JobsTestSpark.startWith("validate-bench", "local[2]");
    String model = TestPaths.model("cnn.onnx");
    String data = TestPaths.repeatSlice(spark, rows, work.resolve("data").toString());
    Path calibration = work.resolve("calibration");
    org.qcal.jobs.TestRuns.calibrate(model, TestPaths.slice(), List.of("minmax", "percentile", "entropy",
        "mse"), "percentile", BATCH).output(calibration.toString()).run(spark);
    String int8 = calibration.resolve("model.int8.onnx").toString();
    java.util.function.BiFunction<Boolean, Boolean, ValidateSettings> settings =
        (all, tensorErrors) -> {
          ValidateSettings.Builder b = ValidateSettings.builder().model(model).data(data)
              .label("label").batchSize(BATCH).tensorErrors(tensorErrors);
          return (all ? b.calibration(calibration.toString()) : b.quantized(List.of(int8)))
              .build();
        };
    ValidateSettings one = settings.apply(false, true);
    ValidateSettings four = settings.apply(true, true);

    // Warm-up: JIT, session loads, Spark's first jobs.
    plain(spark, model, data);
    ValidateJob.validate(spark, ValidateSettings.builder().model(model).data(data)
        .label("label").batchSize(BATCH).calibration(calibration.toString()).limit(rows / 10)
        .build());

    Run fp32 = null;
    Run int8Plain = null;
    Run[] validate = new Run[4];
    String[] labels = {"1 candidate", "4 candidates", "1 candidate, --no-tensor-errors",
        "4 candidates, --no-tensor-errors"};
    ValidateSettings[] runs = {one, four, settings.apply(false, false),
        settings.apply(true, false)};
    int[] candidates = {1, 4, 1, 4};
    for (int round = 0; round < rounds; round++) {
      fp32 = Run.best(fp32, plain(spark, model, data));
      int8Plain = Run.best(int8Plain, plain(spark, int8, data));
      for (int i = 0; i < runs.length; i++) {
        validate[i] = Run.best(validate[i], validated(spark, runs[i], rows));
      }
    }
    double fp32Cpu = fp32.cpuMicrosPerRow();
    StringBuilder report = new StringBuilder();
    report.append(String.format(Locale.ROOT, "rows %d, batch %d, local[2], best of %d rounds;"
        + " CPU = task-thread CPU time of forwards and metrics per row%n%n", rows, BATCH, rounds));
    report.append("| run | rows/s (wall) | CPU us/row | CPU vs FP32 forward | added per candidate"
        + " (FP32 forwards, CPU) | added per candidate (wall) |\n|---|---|---|---|---|---|\n");
    report.append(String.format(Locale.ROOT, "| plain FP32 inference | %.0f | %.1f | 1.00 | | |%n",
        fp32.rowsPerSecond(), fp32Cpu));
    report.append(String.format(Locale.ROOT, "| plain int8 inference (1 QDQ model) | %.0f | %.1f |"
        + " %.2f | | |%n", int8Plain.rowsPerSecond(), int8Plain.cpuMicrosPerRow(),
        int8Plain.cpuMicrosPerRow() / fp32Cpu));
    for (int i = 0; i < runs.length; i++) {
      Run v = validate[i];
      double cpu = v.cpuMicrosPerRow() / fp32Cpu;
      double wall = fp32.rowsPerSecond() / v.rowsPerSecond();
      report.append(String.format(Locale.ROOT, "| validate, %s | %.0f | %.1f | %.2f | %.2f |"
          + " %.2f |%n", labels[i], v.rowsPerSecond(), v.cpuMicrosPerRow(), cpu,
          (cpu - 1) / candidates[i], (wall - 1) / candidates[i]));
    }
    report.append("\nCPU split of the validate runs (us/row): FP32 forward with taps,"
        + " candidates' forwards with taps, metrics\n");
    for (int i = 0; i < runs.length; i++) {
      report.append(String.format(Locale.ROOT, "  %s: %.1f, %.1f, %.1f%n", labels[i],
          validate[i].referenceMicros, validate[i].candidateMicros, validate[i].metricMicros));
    }
    spark.stop();
    System.out.println("\n=== RESULT ===\n" + report);
  }

  /** One measured run: wall-clock rate, and CPU microseconds per row (total and split). */
  private record Run(double rowsPerSecond, double referenceMicros, double candidateMicros,
      double metricMicros) {
    double cpuMicrosPerRow() {
      return referenceMicros + candidateMicros + metricMicros;
    }

    /**
     * The best of two rounds: the lower CPU split (the least disturbed by other load) and,
     * separately, the higher wall-clock rate.
     */
    static Run best(Run a, Run b) {
      if (a == null) {
        return b;
      }
      Run cpu = b.cpuMicrosPerRow() < a.cpuMicrosPerRow() ? b : a;
      return new Run(Math.max(a.rowsPerSecond, b.rowsPerSecond), cpu.referenceMicros,
          cpu.candidateMicros, cpu.metricMicros);
    }
  }

  private static Run validated(SparkSession spark, ValidateSettings settings, long rows) {
    long start = System.nanoTime();
    ValidationReport report = ValidateJob.validate(spark, settings);
    double seconds = (System.nanoTime() - start) / 1e9;
    if (report.samples() != rows) {
      throw new IllegalStateException("validated " + report.samples() + " rows, not " + rows);
    }
    ValidationReport.Timing t = report.timing();
    return new Run(rows / seconds, 1e6 * t.referenceCpuSeconds() / rows,
        1e6 * t.candidateCpuSeconds() / rows, 1e6 * t.metricCpuSeconds() / rows);
  }

  /** Plain inference of {@code modelPath} over the data: one forward per batch, nothing else. */
  private static Run plain(SparkSession spark, String modelPath, String data)
      throws Exception {
    try (PlainInput in = PlainInput.load(spark, modelPath, data, ValidateJob.runtimeOptions(1),
        BATCH)) {
      // The task closure takes these, not the PlainInput (its Dataset does not serialize).
      BatchPlan plan = in.plan();
      Broadcast<byte[]> model = in.model();
      String digest = in.digest();
      RuntimeOptions runtime = in.runtime();
      long start = System.nanoTime();
      long[] total = in.rows().javaRDD()
          .mapPartitions(it -> List.of(forwardAll(it, plan, model, modelPath, digest, runtime))
              .iterator())
          .reduce((a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
      double seconds = (System.nanoTime() - start) / 1e9;
      return new Run(total[0] / seconds, total[1] / 1e3 / total[0], 0, 0);
    }
  }

  /** {rows, task-thread CPU nanoseconds of the forwards}. */
  private static long[] forwardAll(Iterator<Row> rows, BatchPlan plan, Broadcast<byte[]> bytes,
      String name, String digest, RuntimeOptions runtime) {
    var threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long n = 0;
    long cpu = 0;
    try (ModelRunner runner = ModelRunner.open(ModelSource.of(name, digest, bytes.value()),
        runtime)) {
      var batches = plan.batches(rows);
      while (batches.hasNext()) {
        Batch batch = batches.next();
        long before = threads.getCurrentThreadCpuTime();
        runner.setFloatSlice(batch.binding(0).inputName(), batch.floats(0), 0, batch.shape(0));
        runner.run();
        cpu += threads.getCurrentThreadCpuTime() - before;
        n += batch.rows();
      }
    }
    return new long[] {n, cpu};
  }

  private ValidateBenchmark() {}
}
