package org.qcal.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.qcal.jobs.JobsTestSpark;
import org.qcal.jobs.TestPaths;

/**
 * The kernel warm-up benchmark (docs/BENCHMARKS.md, "Kernel warm-up"): {@code bin/qcal
 * calibrate}, each run in a fresh JVM as users run it, over the shipped slice repeated to ROWS
 * rows, with the kernels as qcal picks them (vector kernels after a background warm-up, the
 * scalar twin meanwhile) against the vector kernels from the first call ({@code
 * -Dqcal.kernels=vector}) and the scalar kernels alone ({@code -Dqcal.kernels=scalar}); the
 * settings alternate within each round. Reads the pass's own log line: wall time of the pass and
 * the task time of inference, copy and kernels.
 * {@code benchmarks/coldstart-bench.sh ROWS ROUNDS MODEL...}
 */
public final class ColdStartBenchmark {
  private static final Pattern PASS = Pattern.compile("one pass \\(statistics and histograms\\): "
      + "\\d+ rows, \\d+ tensors in ([0-9.]+) s \\(\\d+ rows/s\\); inference ([0-9.]+) s, copy out"
      + " ([0-9.]+) s, kernels ([0-9.]+) s");
  private static final List<String> SETTINGS = List.of("default", "vector", "scalar");

  public static void main(String[] args) throws Exception {
    long rows = Long.parseLong(args[0]);
    int rounds = Integer.parseInt(args[1]);
    List<String> models = Arrays.asList(args).subList(2, args.length);
    Path root = Path.of("..").toAbsolutePath().normalize();
    String data;
    SparkSession spark = JobsTestSpark.startWith("bench", "local[2]");
    try {
      data = MemoryBenchmark.dataOf(spark, rows, 0, Path.of("/tmp/qcal-coldstart-bench"));
    } finally {
      spark.stop();
    }
    StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
        "rows %d, %d rounds, median of each (min..max)%n%n| model | kernels | pass s |"
            + " kernels s (task time) | inference s | copy s |%n|---|---|---|---|---|---|%n",
        rows, rounds));
    for (String model : models) {
      Map<String, List<double[]>> runs = new LinkedHashMap<>();
      SETTINGS.forEach(s -> runs.put(s, new ArrayList<>()));
      for (int round = 0; round < rounds; round++) {
        for (String setting : SETTINGS) {
          double[] r = run(root, model, data, setting);
          System.out.printf(Locale.ROOT, "%s %s round %d: pass %.1f s, inference %.1f s, copy"
              + " %.1f s, kernels %.1f s%n", model, setting, round, r[0], r[1], r[2], r[3]);
          runs.get(setting).add(r);
        }
      }
      for (String setting : SETTINGS) {
        List<double[]> r = runs.get(setting);
        table.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", model,
            setting, cell(r, 0), cell(r, 3), cell(r, 1), cell(r, 2)));
      }
    }
    System.out.println("\n=== RESULT ===\n" + table);
  }

  /** Pass seconds, inference, copy and kernel task seconds of one fresh {@code bin/qcal} run. */
  private static double[] run(Path root, String model, String data, String setting)
      throws Exception {
    Path out = Files.createTempDirectory("qcal-coldstart");
    Files.delete(out); // calibrate writes it
    String modelPath = Path.of(TestPaths.model(model)).toAbsolutePath().toString();
    ProcessBuilder pb = new ProcessBuilder(root.resolve("bin/qcal").toString(), "calibrate",
        "--model", modelPath, "--data", data, "--out", out.toString(), "--choose", "entropy")
        .directory(root.toFile()).redirectErrorStream(true);
    pb.environment().put("QCAL_JAVA_OPTS",
        setting.equals("default") ? "" : "-Dqcal.kernels=" + setting);
    Process p = pb.start();
    double[] found = null;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        Matcher m = PASS.matcher(line);
        if (m.find()) {
          found = new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)),
              Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4))};
        }
      }
    }
    if (p.waitFor() != 0 || found == null) {
      throw new IllegalStateException("bin/qcal calibrate " + model + " (" + setting
          + ") exited " + p.exitValue() + (found == null ? " without the pass line" : ""));
    }
    return found;
  }

  private static String cell(List<double[]> runs, int k) {
    double[] v = runs.stream().mapToDouble(r -> r[k]).sorted().toArray();
    return String.format(Locale.ROOT, "%.1f (%.1f..%.1f)", v[v.length / 2], v[0],
        v[v.length - 1]);
  }
}
