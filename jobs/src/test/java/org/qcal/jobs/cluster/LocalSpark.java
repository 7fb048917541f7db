package org.qcal.jobs.cluster;

import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sequence;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.qcal.jobs.Cli;
import org.qcal.jobs.cli.Main;
import org.qcal.jobs.spark.SparkSessions;

/**
 * The embedded side of the cluster tests: one {@code local[2]} session in the test JVM (no UI,
 * loopback driver, qcal's serializer settings) that writes the tests' data and runs qcal's CLI
 * in-process, as {@code bin/qcal} would, for the reference outputs.
 */
public final class LocalSpark {
  private LocalSpark() {}

  public static SparkSession start(String name, String... extraConf) {
    SparkConf conf = new SparkConf()
        .setAppName(name)
        .setMaster("local[2]")
        .set("spark.ui.enabled", "false")
        .set("spark.ui.showConsoleProgress", "false")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1")
        .set("spark.sql.shuffle.partitions", "4");
    for (int i = 0; i + 1 < extraConf.length; i += 2) {
      conf.set(extraConf[i], extraConf[i + 1]);
    }
    SparkSessions.applyQcalDefaults(conf);
    return SparkSession.builder().config(conf).getOrCreate();
  }

  /**
   * The shipped slice repeated {@code times} times, written as {@code files} Parquet files of
   * equal size. Each file is read back as its own partition when the reader's
   * {@code spark.sql.files.openCostInBytes} is {@link #ONE_PARTITION_PER_FILE}.
   */
  public static String repeatedSlice(SparkSession spark, int times, int files, Path out) {
    spark.read().parquet(ClusterBuild.SLICE.toString())
        .withColumn("copy", explode(sequence(lit(1), lit(times)))).drop("copy")
        .repartition(files)
        .write().parquet(out.toString());
    return out.toString();
  }

  /**
   * Spark packs small files into one read partition until a partition reaches
   * {@code spark.sql.files.maxPartitionBytes} (128 MiB), counting each file as its size plus
   * this open cost: with the open cost at that maximum, no two files share a partition.
   */
  public static final String ONE_PARTITION_PER_FILE = "134217728";

  /** The result of an in-process CLI run. */

  /** {@code Main.run(args)} in this JVM, in the active session; both outputs captured. */
  static Cli cli(String... args) {
    return Cli.run(args);
  }

  /** Deletes a folder tree if it exists. */
  public static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
