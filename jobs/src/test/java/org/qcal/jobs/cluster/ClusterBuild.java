package org.qcal.jobs.cluster;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the cluster tests take from the build: the application jar, the Spark home folder the
 * build assembles, the JVM options Spark needs on Java 17, and the shipped model and data. The
 * "cluster-tests" surefire execution (jobs/pom.xml) passes the locations as system properties;
 * without them (an IDE run) the defaults point at {@code target/}. Public, as are the other
 * fixtures the benchmarks module's ClusterBenchmark uses.
 */
public final class ClusterBuild {
  /** The Spark home the build assembles: {@code jars/} with Spark, Hadoop and their deps. */
  static final Path QCAL_HOME = property("qcal.home", "target/qcal-home");
  /**
   * The shaded application jar that spark-submit ships ({@code qcal-jobs-spark4.2_2.13.jar} for
   * the default Spark variant); without the property, the one beside {@link #QCAL_HOME}.
   */
  public static final Path JOBS_JAR = System.getProperty("qcal.jobs.jar") != null
      ? property("qcal.jobs.jar", null) : jarBeside(QCAL_HOME);
  /** The repository's conf/ folder (spark-defaults.conf: Kryo, registrator, Vector module). */
  public static final Path CONF = Path.of("../conf").toAbsolutePath().normalize();
  static final Path MODELS =
      Path.of("../quant-core/src/test/resources/models").toAbsolutePath().normalize();
  static final Path SLICE =
      Path.of("src/test/resources/data/fashion-mnist-slice.parquet").toAbsolutePath();
  /** Rows in the shipped slice. */
  public static final int SLICE_ROWS = 2000;
  /** The Vector API module qcal's kernels use. */
  public static final String VECTOR_MODULE = "--add-modules=jdk.incubator.vector";

  private ClusterBuild() {}

  /** Fails with a clear line when the jar or the Spark home has not been packaged yet. */
  static void requirePackaged() {
    for (Path p : List.of(JOBS_JAR, QCAL_HOME.resolve("jars"))) {
      if (!Files.exists(p)) {
        throw new IllegalStateException(p + " is missing: the cluster tests need `mvn package`"
            + " first (they run in the integration-test phase of `mvn verify`)");
      }
    }
  }

  public static String model(String name) {
    return MODELS.resolve(name).toString();
  }

  /** The java launcher of this JVM. */
  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * The --add-opens list of the root pom's {@code spark.jvm.opens}, which every JVM running
   * Spark on Java 17 needs; taken from this JVM's own arguments when the property is absent.
   */
  public static List<String> sparkJvmOpens() {
    String fromBuild = System.getProperty("qcal.spark.jvm.opens");
    if (fromBuild != null && !fromBuild.isBlank()) {
      return Arrays.stream(fromBuild.trim().split("\\s+")).toList();
    }
    List<String> own = new ArrayList<>();
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--add-opens") || arg.startsWith("-Djdk.reflect.")
          || arg.startsWith("-Dio.netty.")) {
        own.add(arg);
      }
    }
    return own;
  }

  /** The {@code qcal-jobs-spark*.jar} in the folder of {@code home}; a placeholder if none. */
  private static Path jarBeside(Path home) {
    try (var jars = Files.newDirectoryStream(home.getParent(), "qcal-jobs-spark*.jar")) {
      for (Path jar : jars) {
        return jar;
      }
    } catch (IOException e) {
      // no folder yet: requirePackaged says so
    }
    return home.resolveSibling("qcal-jobs-spark*.jar");
  }

  private static Path property(String key, String fallback) {
    return Path.of(System.getProperty(key, fallback)).toAbsolutePath().normalize();
  }
}
