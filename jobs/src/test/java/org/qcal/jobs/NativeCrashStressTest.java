package org.qcal.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qcal.jobs.cli.ExitCode;
import org.qcal.jobs.cli.Main;

/**
 * The JVM never dies in ONNX Runtime when bad input ends a job while another task is inside a
 * forward, nor when it exits during a forward (ORT's shutdown hook used to free the environment
 * under the running task: SIGSEGV, exit 134, an hs_err file in the working folder). The crash
 * happened at process exit, so every case runs in real child JVMs, with no -XX:ErrorFile so that
 * a crash report would land in their working folder.
 */
class NativeCrashStressTest {
  @TempDir static Path tmp;
  private static final String CNN = TestPaths.model("cnn.onnx");
  private static final int LOOPS = 50;
  private static Path bad;

  @BeforeAll
  static void writeData() throws IOException {
    SparkSession spark = JobsTestSpark.start("NativeCrashStressTest", 1);
    try {
      // Two files Spark packs into one partition, spread over two by the loader's repartition:
      // the bad row (row 33 of the small file) lands in one, the other runs the model.
      bad = tmp.resolve("bad");
      String small = tmp.resolve("small").toString();
      String good = tmp.resolve("good").toString();
      BadData.write(spark, small, "parquet", 40, 33, -1);
      BadData.write(spark, good, "parquet", 600, -1, -1);
      Files.createDirectories(bad);
      for (String folder : List.of(small, good)) {
        for (File f : new File(folder).listFiles((d, n) -> n.endsWith(".parquet"))) {
          Files.copy(f.toPath(), bad.resolve(folder.endsWith("small") ? "a-" + f.getName()
              : "b-" + f.getName()));
        }
      }
    } finally {
      spark.stop();
    }
  }

  @AfterAll
  static void noCrashFileAnywhere() throws IOException {
    try (var files = Files.walk(tmp)) {
      assertEquals(List.of(), files.filter(p -> p.getFileName().toString().startsWith("hs_err"))
          .toList());
    }
  }

  @Test
  void fiftyBadInputJobsThenAnExitDuringAForwardNeverCrashTheJvm() throws Exception {
    Path work = Files.createDirectories(tmp.resolve("loop-work"));
    Child run = run(work, CrashLoopMain.class.getName(), CNN, bad.toString(),
        TestPaths.slice(), tmp.resolve("loop-out").toString(), String.valueOf(LOOPS));
    assertEquals(CrashLoopMain.EXIT_DURING_FORWARD, run.exitCode, run.output);
    assertTrue(run.output.contains("exit 2 and one line: " + LOOPS + " of " + LOOPS),
        run.output);
    assertNoCrashFile(work);
  }

  @Test
  void mainInItsOwnJvmExitsWithCodeTwoAndOneLine() throws Exception {
    for (int i = 0; i < 2; i++) { // about 25 s each on 2 cores
      Path work = Files.createDirectories(tmp.resolve("main-work-" + i));
      Child run = run(work, Main.class.getName(), "calibrate", "--model", CNN,
          "--data", bad.toString(), "--out", tmp.resolve("main-out-" + i).toString());
      assertEquals(ExitCode.BAD_INPUT, run.exitCode, run.output);
      // Spark's console progress bar shares stderr, ended by \r rather than \n.
      List<String> lines = Arrays.stream(run.output.split("[\r\n]+"))
          .filter(l -> l.startsWith("qcal:")).toList();
      assertEquals(1, lines.size(), run.output);
      assertTrue(lines.get(0).contains(" row 33: column 'pixels' has 785 values"), lines.get(0));
      assertNoCrashFile(work);
    }
  }

  private static void assertNoCrashFile(Path work) throws IOException {
    try (var files = Files.list(work)) {
      assertEquals(List.of(), files.filter(p -> p.getFileName().toString().startsWith("hs_err"))
          .toList());
    }
  }

  private record Child(int exitCode, String output) {}

  /** A JVM with this one's classpath, module options and heap, in {@code work}. */
  private static Child run(Path work, String mainClass, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (option.startsWith("--add-") || option.startsWith("-Djdk.reflect")
          || option.startsWith("-Dio.netty") || option.startsWith("-Xmx")) {
        command.add(option);
      }
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(List.of(args));
    Path log = work.resolve("child.log");
    Process p = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    if (!p.waitFor(150, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("child JVM did not end in 150 s: " + Files.readString(log));
    }
    return new Child(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }
}
