package org.qcal.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;
import org.qcal.jobs.JobsTestSpark;
import org.qcal.jobs.TestPaths;
import org.qcal.jobs.api.CalibrateSettings;
import org.qcal.jobs.api.CalibrationResult;
import org.qcal.jobs.calibrate.CalibrateJob;

/**
 * The memory benchmark of issue 13 (a command, not a test): the peak live heap of one calibrate
 * run per row count, same model, methods and session ({@code local[2]}, batch 64), over the
 * shipped slice repeated to each count; with the class histogram at each peak, to show what
 * grows; an unmeasured run comes first, and each count runs until the live heap was read at
 * least {@link #MIN_READINGS} times. Run with {@code benchmarks/memory-bench.sh MODEL METHODS ROWS_PER_FILE ROWS...}; METHODS is
 * {@code minmax}, {@code all} or a comma list; ROWS_PER_FILE the Parquet layout of every count
 * (Parquet readers hold a file's row group, so the same layout keeps that cost out of the
 * comparison), 0 for 8 files at every count. The data of each count is written once under {@code
 * $QCAL_BENCH_DATA} (default {@code /tmp/qcal-memory-bench}) and reused by later runs.
 */
public final class MemoryBenchmark {
  private static final int BATCH = 64;
  /**
   * Readings of the live heap (one a second) each count takes at least, repeating its
   * calibration as often as needed (see LiveHeap): a million rows take more on their own.
   */
  private static final int MIN_READINGS = 200;

  public static void main(String[] args) throws Exception {
    String model = TestPaths.model(args[0]);
    List<String> methods = args[1].equals("all")
        ? List.of("minmax", "percentile", "entropy", "mse") : List.of(args[1].split(","));
    Path store = Path.of(System.getenv().getOrDefault("QCAL_BENCH_DATA", "/tmp/qcal-memory-bench"));
    SparkSession spark = JobsTestSpark.startWith("memory-bench", "local[2]");
    List<String> data = new ArrayList<>();
    int rowsPerFile = Integer.parseInt(args[2]);
    for (int i = 3; i < args.length; i++) {
      data.add(dataOf(spark, Long.parseLong(args[i]), rowsPerFile, store));
    }
    StringBuilder report = new StringBuilder(String.format(Locale.ROOT,
        "%s, methods %s, batch %d, local[2], max heap %d MB, data: %s%n%n| rows | partitions |"
        + " runs | readings | seconds per run | peak live heap MB | ratio |"
        + " peak in use after System.gc() MB | ratio |%n|---:|---:|---:|---:|---:|---:|---:|---:|"
        + "---:|%n", args[0], methods, BATCH,
        Runtime.getRuntime().maxMemory() >> 20, rowsPerFile == 0 ? "8 files at every count"
            : "files of " + rowsPerFile + " rows"));
    StringBuilder histograms = new StringBuilder();
    // One unmeasured run first, so that the first measured one carries no first-time costs
    // (classes loaded, code compiled, the session's first job).
    CalibrateJob.calibrate(spark, settings(model, data.get(0), methods));
    LiveHeap first = null;
    for (int i = 0; i < data.size(); i++) {
      String path = data.get(i);
      CalibrateSettings settings = settings(model, path, methods);
      long start = System.nanoTime();
      CalibrationResult[] result = new CalibrationResult[1];
      LiveHeap heap = LiveHeap.during(() -> result[0] = CalibrateJob.calibrate(spark, settings),
          MIN_READINGS);
      double seconds = (System.nanoTime() - start) / 1e9 / heap.runs();
      first = i == 0 ? heap : first;
      int partitions = spark.read().parquet(path).javaRDD().getNumPartitions();
      report.append(String.format(Locale.ROOT,
          "| %d | %d | %d | %d | %.0f | %.0f | %.2f | %.0f | %.2f |%n", result[0].samples(),
          partitions, heap.runs(), heap.readings(), seconds, heap.peakLive() / 1e6,
          (double) heap.peakLive() / first.peakLive(), heap.peakUsed() / 1e6,
          (double) heap.peakUsed() / first.peakUsed()));
      histograms.append(String.format(Locale.ROOT, "%nclass histogram at the peak, %d rows:%n%s%n",
          result[0].samples(), heap.histogram()));
      System.out.println(report);
    }
    spark.stop();
    System.out.println("\n=== RESULT ===\n" + report + histograms);
  }

  private static CalibrateSettings settings(String model, String data, List<String> methods) {
    return org.qcal.jobs.TestRuns.calibrate(model, data, methods, methods.get(0), BATCH).build();
  }

  /**
   * The slice repeated to {@code rows} rows in files of {@code rowsPerFile} rows (0: in 8 files,
   * as the calibrate benchmark writes them), written on first use.
   */
  static String dataOf(SparkSession spark, long rows, int rowsPerFile, Path store)
      throws Exception {
    int files = rowsPerFile == 0 ? 8 : (int) ((rows + rowsPerFile - 1) / rowsPerFile);
    Path dir = store.resolve(rowsPerFile == 0 ? "rows-" + rows : "rows-" + rows + "-per-file-"
        + rowsPerFile);
    if (!Files.exists(dir.resolve("_SUCCESS"))) {
      Files.createDirectories(store);
      TestPaths.repeatSlice(spark, rows, files, dir.toString());
    }
    return dir.toString();
  }
}
