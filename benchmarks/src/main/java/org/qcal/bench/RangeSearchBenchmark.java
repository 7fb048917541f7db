package org.qcal.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.qcal.calib.CalibrationMethod;
import org.qcal.calib.CalibrationOptions;
import org.qcal.calib.Calibrator;
import org.qcal.calib.EntropyCalibrator;
import org.qcal.calib.MseCalibrator;
import org.qcal.calib.Range;
import org.qcal.jobs.JobsTestSpark;
import org.qcal.jobs.api.CalibrateSettings;
import org.qcal.jobs.api.TensorCalibration;
import org.qcal.jobs.calibrate.CalibrateJob;
import org.qcal.stats.Histogram;

/**
 * The driver's range searches after the pass (docs/BENCHMARKS.md, "Range searches"): calibrates
 * each model once (one pass, every method) for its merged statistics and histograms, then times
 * each method's search over all the model's tensors on one thread, round after round in the same
 * JVM, with entropy and mse both as calibrate runs them (candidates that cannot win skipped)
 * and scoring every candidate. Prints the median of the rounds after the first, the first round
 * apart (a fresh JVM's cost), and checks that both searches of each give the same ranges.
 *
 * <pre>
 * benchmarks/run-main.sh -bench test-compile org.qcal.bench.RangeSearchBenchmark -- \
 *   ROUNDS MODEL DATA [--input NAME=COLUMN] [MODEL DATA [--input NAME=COLUMN]]...
 * </pre>
 */
public final class RangeSearchBenchmark {
  private RangeSearchBenchmark() {}

  public static void main(String[] args) {
    int rounds = Integer.parseInt(args[0]);
    SparkSession spark = JobsTestSpark.startWith("range-search", "local[2]");
    Map<String, List<TensorCalibration>> models = new LinkedHashMap<>();
    try {
      for (int i = 1; i < args.length; ) {
        CalibrateSettings.Builder b = CalibrateSettings.builder().model(args[i])
            .data(args[i + 1]);
        String name = args[i].replaceAll(".*/", "");
        i += 2;
        while (i + 1 < args.length && args[i].equals("--input")) {
          String[] kv = args[i + 1].split("=", 2);
          b.input(kv[0], kv[1]);
          i += 2;
        }
        models.put(name, CalibrateJob.calibrate(spark, b.build()).tensors());
      }
    } finally {
      spark.stop();
    }
    CalibrationOptions options = CalibrationOptions.defaults();
    Map<String, Calibrator> searches = new LinkedHashMap<>();
    for (CalibrationMethod m : CalibrationMethod.values()) {
      searches.put(m.id(), m.create(options));
    }
    searches.put("entropy, every candidate", EntropyCalibrator.exhaustive(options));
    searches.put("mse, every candidate", MseCalibrator.exhaustive(options));
    System.out.println("| model | tensors | bins (median) | search | first round ms | median ms"
        + " of later rounds |");
    System.out.println("|---|---|---|---|---|---|");
    for (Map.Entry<String, List<TensorCalibration>> model : models.entrySet()) {
      List<TensorCalibration> tensors = model.getValue().stream()
          .filter(t -> t.histogram() != null && !t.stats().hasNoFinite()).toList();
      Map<String, long[]> times = new LinkedHashMap<>();
      Map<String, List<Range>> ranges = new LinkedHashMap<>();
      for (int r = 0; r < rounds; r++) {
        for (Map.Entry<String, Calibrator> s : searches.entrySet()) {
          List<Range> out = new ArrayList<>();
          long start = System.nanoTime();
          for (TensorCalibration t : tensors) {
            out.add(s.getValue().calibrate(t.stats(), t.histogram()));
          }
          times.computeIfAbsent(s.getKey(), k -> new long[rounds])[r] = System.nanoTime() - start;
          ranges.put(s.getKey(), out);
        }
      }
      for (String method : List.of("entropy", "mse")) {
        if (!ranges.get(method).equals(ranges.get(method + ", every candidate"))) {
          throw new IllegalStateException(model.getKey() + ": the two " + method
              + " searches differ");
        }
      }
      int[] bins = tensors.stream().map(TensorCalibration::histogram)
          .mapToInt(Histogram::bins).sorted().toArray();
      for (Map.Entry<String, long[]> t : times.entrySet()) {
        long[] later = Arrays.copyOfRange(t.getValue(), 1, rounds);
        Arrays.sort(later);
        System.out.printf(Locale.ROOT, "| %s | %d | %d | %s | %.1f | %.1f |%n", model.getKey(),
            tensors.size(), bins[bins.length / 2], t.getKey(), t.getValue()[0] / 1e6,
            later.length == 0 ? Double.NaN : later[later.length / 2] / 1e6);
      }
    }
  }
}
