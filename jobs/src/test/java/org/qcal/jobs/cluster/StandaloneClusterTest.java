package org.qcal.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qcal.jobs.hdfs.MiniHdfs;

/**
 * qcal on a real (if small) cluster: a standalone Master and two Workers, each a JVM of its own,
 * the application submitted through SparkSubmit in client mode. Executors are other JVMs here,
 * so closures, broadcasts and task results cross process boundaries (Kryo with registration
 * required, from conf/spark-defaults.conf), and the shuffle files of the passes live in the
 * executors. The references run embedded in {@code local[2]} in this JVM, which also hosts an
 * HDFS (MiniDFSCluster) that the cluster's JVMs use over 127.0.0.1.
 */
@Tag("cluster")
class StandaloneClusterTest {
  private static final List<String> OUTPUTS = CalibrationFiles.OUTPUTS;
  private static final Pattern LOAD =
      Pattern.compile("Loaded ONNX model '[^']*' sha256=([0-9a-f]{64})");
  private static final Pattern TASK_INDEX = Pattern.compile("Running task ([0-9]+)\\.[0-9]+ in");
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);
  /** The kill test's data: the slice this many times over (8000 rows), in 24 files. */
  private static final int TIMES = 4;

  private static StandaloneCluster cluster;
  private static SparkSession local;
  private static MiniHdfs hdfs;
  @TempDir static Path tmp;

  @BeforeAll
  static void start() throws IOException {
    Path dir = ClusterBuild.JOBS_JAR.resolveSibling("cluster-tests").resolve("standalone");
    LocalSpark.deleteTree(dir);
    cluster = StandaloneCluster.start(Files.createDirectories(dir), 2);
    local = LocalSpark.start("StandaloneClusterTest-reference");
    hdfs = MiniHdfs.start(tmp.resolve("dfs"));
  }

  @AfterAll
  static void stop() {
    try {
      if (cluster != null) {
        cluster.close();
      }
    } finally {
      try {
        if (local != null) {
          local.stop();
        }
      } finally {
        if (hdfs != null) {
          hdfs.close();
        }
      }
    }
  }

  /**
   * The shipped slice as it is (one file, spread over the executors by a shuffle), model and
   * data read from HDFS by the driver and the executors, outputs written to HDFS: the files of
   * the local[2] run on local paths, byte for byte but for the two paths calibration.json names.
   */
  @Test
  void calibrateOnTheClusterFromHdfsToHdfsGivesTheOutputsOfEmbeddedLocalMode()
      throws IOException {
    String model = hdfs.upload(Path.of(ClusterBuild.model("cnn.onnx")), "/in/cnn.onnx");
    String data = hdfs.upload(ClusterBuild.SLICE, "/in/slice.parquet");
    Submission run = cluster.run(RUN_TIMEOUT,
        Map.of("spark.hadoop.dfs.replication", "1"),
        "calibrate", "--model", model, "--data", data, "--out", hdfs.uri() + "/out/slice");
    assertEquals(0, run.exitCode(), run::describe);
    assertTrue(run.stdout().contains("qcal: calibrated 2000 samples"), run::describe);
    // Not necessarily both executors: the shuffle's reduce tasks prefer the one executor that
    // read the single file (locality), and the other one may never get a task.
    assertFalse(executorsThatLoadedTheModel(run).isEmpty(), run::describe);

    Path reference = localRun("calibrate", "--model", ClusterBuild.model("cnn.onnx"),
        "--data", ClusterBuild.SLICE.toString(), "--out", tmp.resolve("slice-local").toString());
    assertEquals(List.of("slice"), hdfs.names("/out"), "no temporary folder left beside it");
    assertEquals(CalibrationFiles.names(reference), hdfs.names("/out/slice"));
    for (String f : List.of("calibration.cache", "model.int8.onnx")) {
      assertArrayEquals(Files.readAllBytes(reference.resolve(f)), hdfs.read("/out/slice/" + f),
          f + " differs from the local[2] run's");
    }
    assertEquals(
        CalibrationFiles.withoutPaths(Files.readAllBytes(reference.resolve("calibration.json"))),
        CalibrationFiles.withoutPaths(hdfs.read("/out/slice/calibration.json")));
  }

  /**
   * 16 files read as 16 partitions, calibrated in two passes ({@code --passes 2}): 2 x 16 pass
   * tasks over two executors, and each executor loads the tap model once for both passes; the
   * driver (client mode) loads it once more for its signature.
   */
  @Test
  void eachExecutorLoadsTheModelOncePerDigestWhateverTheNumberOfTasks() throws IOException {
    String data = LocalSpark.repeatedSlice(local, 1, 16, tmp.resolve("slice-16"));
    // A fixed --choose: --choose auto's validation pass would load five more models, which
    // ChooseAutoTest covers; here only the calibration passes' tap model is counted.
    String[] args = {"calibrate", "--model", ClusterBuild.model("cnn.onnx"), "--data", data,
        "--choose", "mse", "--passes", "2"};
    Submission run = cluster.run(RUN_TIMEOUT,
        Map.of("spark.sql.files.openCostInBytes", LocalSpark.ONE_PARTITION_PER_FILE),
        with(args, "--out", tmp.resolve("16-cluster").toString()));
    assertEquals(0, run.exitCode(), run::describe);

    Map<String, Integer> driverLoads = loads(run.stderr());
    assertEquals(1, driverLoads.size(), "the driver loads the tap model once\n" + run.stderr());
    assertEquals(1, driverLoads.values().iterator().next());
    String tapDigest = driverLoads.keySet().iterator().next();
    String modelDigest = CalibrationFiles.withoutPaths(Files.readAllBytes(
        tmp.resolve("16-cluster").resolve("calibration.json"))).at("/model/sha256").asText();
    assertNotEquals(modelDigest, tapDigest, "what runs is the tap model, a digest of its own");

    List<StandaloneCluster.Executor> executors = executorsThatLoadedTheModel(run);
    assertEquals(2, executors.size(), run::describe);
    int maxPartition = -1;
    for (StandaloneCluster.Executor e : executors) {
      String log = e.log();
      assertEquals(Map.of(tapDigest, 1), loads(log), "model loads of executor " + e.id()
          + " (one per digest; the executors only run the tap model)\n" + log);
      int afterLoad = count(log.substring(log.indexOf("Loaded ONNX model")), "Finished task");
      assertTrue(afterLoad >= 4, "executor " + e.id() + " ran " + afterLoad
          + " tasks after loading the model; the test needs several per executor");
      Matcher m = TASK_INDEX.matcher(log);
      while (m.find()) {
        maxPartition = Math.max(maxPartition, Integer.parseInt(m.group(1)));
      }
    }
    assertEquals(15, maxPartition, "the passes ran over 16 partitions");

    Path reference = localRun(with(args, "--out", tmp.resolve("16-local").toString()));
    assertSameOutputs(reference, tmp.resolve("16-cluster"));
  }

  /**
   * One executor JVM is killed (SIGKILL, by pid) after it has finished a task of pass 1 and
   * while pass 1 still runs; the master launches a replacement, the driver reruns what was lost
   * (tasks and the shuffle output of the tree reduction that lived in the dead JVM) and the
   * outputs are those of an undisturbed run. Also checks, while every JVM of the cluster is
   * up, that none of them, nor this JVM (HDFS, the local session), has a socket outside
   * 127.0.0.1.
   */
  @Test
  void executorKilledMidPassIsReplacedAndTheOutputsDoNotChange() throws IOException {
    String data = LocalSpark.repeatedSlice(local, TIMES, 24, tmp.resolve("slice-x" + TIMES));
    String[] args = {"calibrate", "--model", ClusterBuild.model("cnn.onnx"), "--data", data};
    Submission run = cluster.start(
        Map.of("spark.sql.files.openCostInBytes", LocalSpark.ONE_PARTITION_PER_FILE),
        with(args, "--out", tmp.resolve("x-cluster").toString()));

    String[] appId = new String[1];
    StandaloneCluster.Executor[] victim = new StandaloneCluster.Executor[1];
    cluster.awaitCondition("an executor that has finished a pass task", RUN_TIMEOUT,
        run::describe, () -> {
      if (!run.isAlive()) {
        throw new AssertionError("the application ended before the kill\n" + run.describe());
      }
      appId[0] = run.appId().orElse(null);
      if (appId[0] == null) {
        return false;
      }
      for (StandaloneCluster.Executor e : cluster.executors(appId[0])) {
        String log = e.log();
        int load = log.indexOf("Loaded ONNX model");
        if (load >= 0 && log.indexOf("Finished task", load) >= 0) {
          victim[0] = e;
          return true;
        }
      }
      return false;
    });
    List<ProcessHandle> everyJvm = new ArrayList<>(cluster.processes());
    everyJvm.add(ProcessHandle.current()); // the HDFS and the local reference session
    assertLoopbackOnly(everyJvm);

    Optional<ProcessHandle> jvm = cluster.process(victim[0], appId[0]);
    assertTrue(jvm.isPresent(), "the JVM of executor " + victim[0].id());
    assertTrue(jvm.get().destroyForcibly(), "SIGKILL to pid " + jvm.get().pid());
    assertTrue(run.isAlive(), "the kill came while the application was still running");
    assertFalse(run.stderr().contains("pass 1 (statistics):"), "the kill came during pass 1\n"
        + run.describe());

    assertEquals(0, run.await(RUN_TIMEOUT), run::describe);
    assertTrue(run.stderr().contains("Lost executor " + victim[0].id()), run::describe);
    assertTrue(run.stdout().contains("qcal: calibrated " + TIMES * ClusterBuild.SLICE_ROWS
        + " samples"), run::describe);
    List<StandaloneCluster.Executor> all = cluster.executors(appId[0]);
    assertEquals(3, all.size(), "two executors and the replacement the master launched: " + all);

    Path reference = localRun(with(args, "--out", tmp.resolve("x-local").toString()));
    assertSameOutputs(reference, tmp.resolve("x-cluster"));
  }

  /**
   * tune through SparkSubmit with a budget that no candidate meets: spark-submit's own exit code
   * is qcal's 3 (what Airflow's SparkSubmitOperator sees), the outputs are written, marked
   * failed, and are those of the local[2] run; each executor loaded each model it ran (the tap
   * model, the FP32 model, the candidates) once.
   */
  @Test
  void tuneThatMissesItsBudgetExitsThreeThroughSparkSubmitWithTheOutputsOfLocalMode()
      throws IOException {
    String[] args = {"tune", "--model", ClusterBuild.model("cnn.onnx"),
        "--calib-data", ClusterBuild.SLICE.toString(), "--limit", "300",
        "--val-data", ClusterBuild.SLICE.toString(), "--val-limit", "200",
        "--methods", "minmax,percentile", "--choose", "minmax", "--metric", "sqnr",
        "--min-sqnr", "200", "--max-float-tensors", "1"};
    Submission run = cluster.run(RUN_TIMEOUT, Map.of(),
        with(args, "--out", tmp.resolve("tune-cluster").toString()));
    assertEquals(3, run.exitCode(), run::describe);
    assertTrue(run.stderr().contains("qcal: accuracy gate failed"), run::describe);

    int mostModels = 0;
    for (StandaloneCluster.Executor e : cluster.executors(run.appId().orElseThrow())) {
      Map<String, Integer> loads = loads(e.log());
      assertTrue(loads.values().stream().allMatch(n -> n == 1),
          "executor " + e.id() + " loads each model once: " + loads);
      mostModels = Math.max(mostModels, loads.size());
    }
    assertTrue(mostModels >= 3, "an executor ran the tap, FP32 and candidate models: "
        + mostModels);
    org.qcal.jobs.Cli local = LocalSpark.cli(
        with(args, "--out", tmp.resolve("tune-local").toString()));
    assertEquals(3, local.exitCode(), local::describe);
    Path expected = tmp.resolve("tune-local");
    Path actual = tmp.resolve("tune-cluster");
    assertEquals(CalibrationFiles.names(expected), CalibrationFiles.names(actual));
    for (String f : CalibrationFiles.names(expected)) {
      assertArrayEquals(Files.readAllBytes(expected.resolve(f)),
          Files.readAllBytes(actual.resolve(f)), f + " differs from the local[2] run's");
    }
  }

  // --- helpers ------------------------------------------------------------------------------

  private static String[] with(String[] args, String... more) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  /** The same command embedded in local[2] in this JVM: the reference outputs. */
  private static Path localRun(String... args) {
    org.qcal.jobs.Cli ref = LocalSpark.cli(args);
    assertEquals(0, ref.exitCode(), ref::describe);
    return Path.of(args[args.length - 1]);
  }

  /** The same files (nothing hidden left beside them); the three outputs byte for byte. */
  private static void assertSameOutputs(Path expected, Path actual) throws IOException {
    assertEquals(CalibrationFiles.names(expected), CalibrationFiles.names(actual),
        "files in " + actual);
    assertEquals(List.of(actual.getFileName().toString()),
        CalibrationFiles.names(actual.getParent()).stream()
            .filter(n -> n.contains(actual.getFileName().toString())).toList(),
        "no temporary folder beside the output");
    for (String f : OUTPUTS) {
      assertArrayEquals(Files.readAllBytes(expected.resolve(f)),
          Files.readAllBytes(actual.resolve(f)), f + " differs from the local[2] run's");
    }
  }

  private static void assertLoopbackOnly(List<ProcessHandle> processes) throws IOException {
    if (!LoopbackSockets.available()) {
      return; // not Linux: nothing to read the sockets from
    }
    assertTrue(processes.size() >= 6, "master, 2 workers, 2 executors, driver: " + processes);
    assertTrue(LoopbackSockets.socketCount(processes) > 0);
    assertEquals(List.of(), LoopbackSockets.nonLoopback(processes),
        "sockets of the cluster's JVMs outside 127.0.0.1");
  }

  private static List<StandaloneCluster.Executor> executorsThatLoadedTheModel(
      Submission run) {
    String appId = run.appId().orElseThrow(() -> new AssertionError("no app id\n"
        + run.describe()));
    return cluster.executors(appId).stream().filter(e -> e.log().contains("Loaded ONNX model"))
        .toList();
  }

  /** Model loads by digest in a log. */
  private static Map<String, Integer> loads(String log) {
    Map<String, Integer> byDigest = new TreeMap<>();
    Matcher m = LOAD.matcher(log);
    while (m.find()) {
      byDigest.merge(m.group(1), 1, Integer::sum);
    }
    return byDigest;
  }

  private static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }
}
