package org.qcal.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.TaskCompletionListener;
import org.qcal.jobs.JobsTestSpark;
import org.qcal.jobs.TestPaths;
import org.qcal.jobs.api.DataSource;
import org.qcal.jobs.data.BatchPlan;
import org.qcal.jobs.data.InputBinder;
import org.qcal.jobs.data.ModelInputs;
import org.qcal.jobs.ml.QuantizationCalibrator;
import org.qcal.jobs.ml.QuantizedOnnxModel;
import org.qcal.jobs.spark.InferencePass;
import org.qcal.jobs.spark.ModelRef;
import org.qcal.jobs.validate.ValidateJob;
import org.qcal.runtime.RuntimeOptions;
import org.qcal.runtime.SessionCache;

/**
 * The Spark ML transform benchmark of issue 12 (a command, not a test): {@code
 * QuantizedOnnxModel.transform} rows/s on the shipped CNN over the slice repeated to {@code
 * rows} rows (cached in memory, so that the forwards, not Parquet, are measured), in one
 * local[2] session, side by side and interleaved, best of {@code rounds}:
 *
 * <ul>
 *   <li>int8 (the calibrated QDQ model) and FP32 ({@code withModel}) through {@code transform}:
 *       one ONNX Runtime session per JVM per model, kept;
 *   <li>the same two with a session per partition, the way SynapseML's {@code ONNXModel} runs:
 *       the same executor code ({@link InferencePass}) on a model reference whose digest is
 *       unique to the task, so every partition loads its own session, and the session is
 *       closed when the task ends.
 * </ul>
 *
 * each at every partition count given (fewer, larger partitions first), and as a yardstick the
 * rows alone through the same {@code mapPartitions} and row encoder (Spark's cost of handing
 * rows to Java and back, no model). A transform is timed to the end of a {@code noop} write,
 * which computes every row. Run with {@code
 * benchmarks/transform-bench.sh}.
 */
public final class TransformBenchmark {
  private static final int BATCH = 64;

  public static void main(String[] args) throws Exception {
    boolean quick = args.length > 0 && args[0].equals("short");
    int rows = quick ? 8_000 : args.length > 0 ? Integer.parseInt(args[0]) : 40_000;
    List<Integer> partitions = new ArrayList<>();
    for (String p : (quick ? "4,64" : args.length > 1 ? args[1] : "8,128").split(",")) {
      partitions.add(Integer.parseInt(p.trim()));
    }
    int rounds = quick ? 2 : args.length > 2 ? Integer.parseInt(args[2]) : 3;
    Path work = Files.createTempDirectory("qcal-transform-bench");
    SparkSession spark = JobsTestSpark.startWith("transform-bench", "local[2]");
    byte[] cnn = Files.readAllBytes(Path.of(TestPaths.model("cnn.onnx")));
    Dataset<Row> all = spark.read().parquet(TestPaths.repeatSlice(spark, rows,
        work.resolve("data").toString()));

    QuantizedOnnxModel int8 = new QuantizationCalibrator()
        .setModelBytes(cnn).setMethods(new String[] {"minmax", "percentile"})
        .setChoose("percentile").setBatchSize(BATCH)
        .setFeedDict(Map.of("input", "pixels")).setFetchDict(Map.of("logits", "logits"))
        .fit(spark.read().parquet(TestPaths.slice()));
    QuantizedOnnxModel fp32 = int8.withModel(cnn);
    // The session-per-partition runs load hundreds of sessions: their log lines are noise here.
    org.apache.logging.log4j.core.config.Configurator.setLevel(SessionCache.class.getName(),
        org.apache.logging.log4j.Level.WARN);
    Map<String, QuantizedOnnxModel> models = new LinkedHashMap<>();
    models.put("int8", int8);
    models.put("FP32", fp32);

    TaskCpu cpu = new TaskCpu();
    spark.sparkContext().addSparkListener(cpu);
    List<String> variants = List.of("rows only", "int8", "FP32", "int8, session per partition",
        "FP32, session per partition");
    StringBuilder wall = new StringBuilder();
    StringBuilder cost = new StringBuilder();
    StringBuilder ratios = new StringBuilder();
    for (int p : partitions) {
      Dataset<Row> data = all.repartition(p).cache();
      data.count();
      Map<String, Dataset<Row>> runs = new LinkedHashMap<>();
      runs.put("rows only", data.mapPartitions((MapPartitionsFunction<Row, Row>) it -> it,
          Encoders.row(data.schema())));
      for (Map.Entry<String, QuantizedOnnxModel> m : models.entrySet()) {
        runs.put(m.getKey(), m.getValue().transform(data));
        runs.put(m.getKey() + ", session per partition", perPartition(m.getValue(), data));
      }
      runs.values().forEach(run -> measure(run, rows, cpu)); // warm-up: JIT, sessions
      Map<String, Measured> best = new LinkedHashMap<>();
      for (int round = 0; round < rounds; round++) {
        runs.forEach((name, run) -> best.merge(name, measure(run, rows, cpu), Measured::best));
      }
      data.unpersist();
      wall.append(row(p, rows, variants, v -> String.format(Locale.ROOT, "%.0f",
          best.get(v).rowsPerSecond())));
      cost.append(row(p, rows, variants, v -> String.format(Locale.ROOT, "%.1f",
          best.get(v).cpuMicrosPerRow())));
      double int8Cpu = best.get("int8").cpuMicrosPerRow();
      double fp32Cpu = best.get("FP32").cpuMicrosPerRow();
      ratios.append(String.format(Locale.ROOT, "| %d | %d | %.2f | %.2f | %.2f | %.2f |%n", p,
          rows / p, int8Cpu / fp32Cpu,
          best.get("int8, session per partition").cpuMicrosPerRow() / int8Cpu,
          best.get("FP32, session per partition").cpuMicrosPerRow() / fp32Cpu,
          best.get("int8").rowsPerSecond() / best.get("int8, session per partition")
              .rowsPerSecond()));
    }
    spark.stop();
    String header = "| partitions | rows/partition | " + String.join(" | ", variants)
        + " |\n|---:|---:|---:|---:|---:|---:|---:|\n";
    System.out.println("\n=== RESULT ===\n" + String.format(Locale.ROOT, "rows %d, batch %d,"
        + " local[2], best of %d rounds%n%nWall-clock rows/s (to the end of a noop write):%n%n",
        rows, BATCH, rounds) + header + wall
        + "\nTask CPU time per row, microseconds (Spark's executorCpuTime of every task):\n\n"
        + header + cost
        + "\nRatios (CPU per row; the last column from wall-clock rows/s):\n\n"
        + "| partitions | rows/partition | int8 / FP32 | int8: per partition / shared |"
        + " FP32: per partition / shared | int8 wall: shared / per partition |\n"
        + "|---:|---:|---:|---:|---:|---:|\n" + ratios);
  }

  private static String row(int partitions, int rows, List<String> variants,
      java.util.function.Function<String, String> cell) {
    return "| " + partitions + " | " + rows / partitions + " | "
        + String.join(" | ", variants.stream().map(cell).toList()) + " |\n";
  }

  /** One measured run: wall-clock rows/s and the tasks' CPU time per row. */
  private record Measured(double rowsPerSecond, double cpuMicrosPerRow) {
    /** The higher rate and, apart, the lower CPU cost (the least disturbed by other load). */
    static Measured best(Measured a, Measured b) {
      return new Measured(Math.max(a.rowsPerSecond, b.rowsPerSecond),
          Math.min(a.cpuMicrosPerRow, b.cpuMicrosPerRow));
    }
  }

  /** Computes every row of {@code transformed} (a noop write), timed. */
  private static Measured measure(Dataset<Row> transformed, int rows, TaskCpu cpu) {
    cpu.reset();
    long start = System.nanoTime();
    transformed.write().format("noop").mode("overwrite").save();
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Measured(rows / seconds, cpu.nanos() / 1e3 / rows);
  }

  /** The executor CPU time of the tasks that ended since {@link #reset()}. */
  private static final class TaskCpu extends org.apache.spark.scheduler.SparkListener {
    private final java.util.concurrent.atomic.AtomicLong nanos =
        new java.util.concurrent.atomic.AtomicLong();

    @Override
    public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd end) {
      if (end.taskMetrics() != null) {
        nanos.addAndGet(end.taskMetrics().executorCpuTime());
      }
    }

    void reset() {
      drain();
      nanos.set(0);
    }

    /** After the job: its task-end events may still be on the listener bus. */
    long nanos() {
      drain();
      return nanos.get();
    }

    private static void drain() {
      try {
        SparkSession.active().sparkContext().listenerBus().waitUntilEmpty(60_000);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException("Spark's listener bus did not drain in 60 s", e);
      }
    }
  }

  /**
   * {@code model.transform(data)} with a session per partition: the same {@link InferencePass},
   * the model's bytes under a digest unique to the task, evicted from the session cache when
   * the task ends (the session closes with its last runner).
   */
  private static Dataset<Row> perPartition(QuantizedOnnxModel model, Dataset<Row> data) {
    SparkSession spark = data.sparkSession();
    BatchPlan plan = new BatchPlan(InputBinder.bind(ModelInputs.of(model.signature()),
        data.schema(), model.getFeedDict(), DataSource.ROWS), data.schema(),
        model.getBatchSize(), null, DataSource.ROWS);
    Broadcast<byte[]> bytes = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .broadcast(model.modelBytes());
    String digest = model.modelSha256();
    RuntimeOptions runtime = ValidateJob.runtimeOptions(1);
    List<String> outputs = List.copyOf(model.getFetchDict().keySet());
    MapPartitionsFunction<Row, Row> run = rows -> {
      TaskContext task = TaskContext.get();
      String own = digest + "/stage-" + task.stageId() + "-partition-" + task.partitionId()
          + "-attempt-" + task.attemptNumber();
      task.addTaskCompletionListener((TaskCompletionListener) t -> SessionCache.evict(own));
      Iterator<Row> out = new InferencePass(new ModelRef(bytes, "per-partition", own), plan,
          runtime, outputs, null, false, false).run(rows);
      return out;
    };
    return data.mapPartitions(run, Encoders.row(model.transformSchema(data.schema())));
  }

  private TransformBenchmark() {}
}
