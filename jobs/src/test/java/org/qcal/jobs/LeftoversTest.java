package org.qcal.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qcal.jobs.cli.ExitCode;

/**
 * A run killed with SIGKILL while it holds its output folder leaves its lock and its hidden
 * temporary folder; the next run on the same {@code --out} removes them, says so, and succeeds.
 * Real processes ({@code bin/qcal}), so tagged {@code cluster}: it runs after {@code package}.
 */
@Tag("cluster")
class LeftoversTest {
  @TempDir static Path tmp;
  private static String data;

  @BeforeAll
  static void data() {
    SparkSession spark = JobsTestSpark.start("LeftoversTest", 1);
    try {
      // Long enough that the first run is still calibrating when it is killed.
      data = TestPaths.repeatSlice(spark, 20_000, tmp.resolve("data").toString());
    } finally {
      spark.stop();
    }
  }

  private static ProcessBuilder qcal(Path out, Path err) {
    return BinQcal.process(tmp, tmp.resolve("logs"), List.of("calibrate", "--model",
        TestPaths.model("cnn.onnx"), "--data", data, "--methods", "minmax", "--choose", "minmax",
        "--out", out.toString())).redirectError(err.toFile());
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void theNextRunRemovesWhatAKilledRunLeftAndSaysSo() throws Exception {
    Path parent = Files.createDirectories(tmp.resolve("outputs"));
    Path out = parent.resolve("cnn");
    Process first = qcal(out, tmp.resolve("first.err")).start();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (!Files.exists(parent.resolve(".cnn.qcal-lock")) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    Thread.sleep(3000); // into the pass, well before its end
    first.toHandle().destroyForcibly(); // SIGKILL: no shutdown hook, no clean-up
    first.waitFor(1, TimeUnit.MINUTES);
    List<String> left = names(parent);
    assertEquals(2, left.size(), "the lock and the temporary folder: " + left);
    assertTrue(left.contains(".cnn.qcal-lock") && left.stream().anyMatch(
        n -> n.startsWith(".cnn.qcal-tmp-")), left.toString());

    Path err = tmp.resolve("second.err");
    Process second = qcal(out, err).start();
    assertTrue(second.waitFor(10, TimeUnit.MINUTES));
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertEquals(ExitCode.OK, second.exitValue(), stderr);
    assertTrue(stderr.contains("took over the lock of an earlier qcal run that is gone"), stderr);
    assertTrue(stderr.matches("(?s).*removed \\.cnn\\.qcal-tmp-\\S+ left by an earlier qcal"
        + " run that did not finish.*"), stderr);
    assertEquals(List.of("cnn"), names(parent), "nothing but the output");
  }
}
