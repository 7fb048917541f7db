package org.qcal.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.qcal.jobs.cluster.ClusterBuild;
import org.qcal.jobs.cluster.LocalSpark;
import org.qcal.jobs.cluster.StandaloneCluster;
import org.qcal.jobs.cluster.Submission;

/**
 * The cluster benchmark of issue 6 (a command, not a test): the same calibrate of the shipped
 * CNN over the slice repeated to {@code rows} rows (20 Parquet files, one partition each), (a)
 * on the 2-worker standalone cluster of {@link StandaloneCluster} (the cluster tests' fixture,
 * from the jobs module's test jar) through SparkSubmit, and (b) embedded in {@code local[2]} in
 * a JVM of its own as {@code bin/qcal} runs it. Both are timed from the JVM's start to its exit
 * (what a scheduler sees) and by the passes the job logs. Alternating rounds, best of {@code
 * rounds}. Run with {@code benchmarks/cluster-bench.sh}.
 */
public final class ClusterBenchmark {
  private static final Pattern PASS = Pattern.compile(
      "pass ([12]) \\([a-z]+\\): ([0-9]+) rows, [0-9]+ tensors in ([0-9.]+) s");
  private static final int FILES = 20;

  private ClusterBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    Path work = Files.createTempDirectory("qcal-cluster-bench");
    int times = Math.max(1, rows / ClusterBuild.SLICE_ROWS);
    String data;
    SparkSession spark = LocalSpark.start("ClusterBenchmark-data");
    try {
      data = LocalSpark.repeatedSlice(spark, times, FILES, work.resolve("data"));
    } finally {
      spark.stop();
    }
    int actualRows = times * ClusterBuild.SLICE_ROWS;
    Result bestCluster = null;
    Result bestLocal = null;
    try (StandaloneCluster cluster = StandaloneCluster.start(work.resolve("cluster"), 2)) {
      for (int round = 0; round < rounds; round++) {
        Result c = onCluster(cluster, data, work.resolve("out-cluster-" + round));
        Result l = embedded(cluster, data, work.resolve("out-local-" + round));
        System.err.printf(Locale.ROOT, "round %d: cluster %s | local[2] %s%n", round + 1, c, l);
        bestCluster = bestCluster == null || c.wall < bestCluster.wall ? c : bestCluster;
        bestLocal = bestLocal == null || l.wall < bestLocal.wall ? l : bestLocal;
      }
    }
    LocalSpark.deleteTree(work);
    System.out.printf(Locale.ROOT, "cnn.onnx, %d rows in %d files (one partition each), all four"
        + " methods, batch 64, best of %d rounds, %d cores (%s)%n%n", actualRows, FILES, rounds,
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    System.out.println("| run | wall s (JVM start to exit) | rows/s end to end | pass 1 rows/s"
        + " | pass 2 rows/s |\n|---|---|---|---|---|");
    for (Result r : List.of(bestCluster, bestLocal)) {
      System.out.printf(Locale.ROOT, "| %s | %.1f | %.0f | %.0f | %.0f |%n", r.name, r.wall,
          actualRows / r.wall, actualRows / r.pass1, actualRows / r.pass2);
    }
    System.out.printf(Locale.ROOT, "%ncluster time / local[2] time: end to end %.2f, passes"
        + " only %.2f%n",
        bestCluster.wall / bestLocal.wall,
        (bestCluster.pass1 + bestCluster.pass2) / (bestLocal.pass1 + bestLocal.pass2));
  }

  private record Result(String name, double wall, double pass1, double pass2) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "wall %.1f s, pass 1 %.1f s, pass 2 %.1f s", wall, pass1,
          pass2);
    }
  }

  private static Result onCluster(StandaloneCluster cluster, String data, Path out)
      throws Exception {
    long start = System.nanoTime();
    Submission run = cluster.run(java.time.Duration.ofMinutes(30),
        Map.of("spark.sql.files.openCostInBytes", LocalSpark.ONE_PARTITION_PER_FILE),
        "calibrate", "--model", ClusterBuild.model("cnn.onnx"), "--data", data,
        "--out", out.toString());
    double wall = (System.nanoTime() - start) / 1e9;
    if (run.exitCode() != 0) {
      throw new IllegalStateException(run.describe());
    }
    return parse("2-worker standalone cluster (SparkSubmit, client mode)", wall, run.stderr());
  }

  /** As bin/qcal runs it: the application jar and the Spark jars on one classpath. */
  private static Result embedded(StandaloneCluster cluster, String data, Path out)
      throws Exception {
    List<String> command = new ArrayList<>(List.of(ClusterBuild.java(), "-Xmx2g",
        ClusterBuild.VECTOR_MODULE));
    command.addAll(ClusterBuild.sparkJvmOpens());
    command.addAll(List.of(
        "-Dlog4j2.configurationFile=" + ClusterBuild.CONF.resolve("log4j2.properties"),
        "-Dspark.master=local[2]", "-Dspark.ui.enabled=false",
        "-Dspark.driver.host=127.0.0.1", "-Dspark.driver.bindAddress=127.0.0.1",
        "-Dspark.sql.files.openCostInBytes=" + LocalSpark.ONE_PARTITION_PER_FILE,
        "-cp", ClusterBuild.JOBS_JAR + File.pathSeparator
            + cluster.sparkHome().resolve("jars") + File.separator + "*",
        "org.qcal.jobs.cli.Main", "calibrate", "--model", ClusterBuild.model("cnn.onnx"),
        "--data", data, "--out", out.toString()));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(k -> k.startsWith("SPARK_"));
    Path err = out.resolveSibling(out.getFileName() + ".err");
    builder.redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    long start = System.nanoTime();
    Process p = builder.start();
    if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("embedded run failed\n" + Files.readString(err));
    }
    double wall = (System.nanoTime() - start) / 1e9;
    return parse("embedded local[2] (one JVM, as bin/qcal)", wall, Files.readString(err));
  }

  private static Result parse(String name, double wall, String log) {
    double[] seconds = new double[3];
    Matcher m = PASS.matcher(log);
    while (m.find()) {
      seconds[Integer.parseInt(m.group(1))] = Double.parseDouble(m.group(3));
    }
    if (seconds[1] == 0 || seconds[2] == 0) {
      throw new IllegalStateException("no pass times in the log of " + name + "\n" + log);
    }
    return new Result(name, wall, seconds[1], seconds[2]);
  }
}
