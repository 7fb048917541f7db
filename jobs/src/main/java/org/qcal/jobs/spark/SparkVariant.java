package org.qcal.jobs.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The Spark variant this jar was built for (a Maven profile: Spark line and Scala binary
 * version, as in its name {@code qcal-jobs-spark3.5_2.12.jar}) and the Spark and Scala it runs
 * on. The sources are the same for every variant; the jar is not, because Scala 2.12 and 2.13
 * are not binary compatible and Spark's internals change between lines.
 */
public final class SparkVariant {
  private static final Properties BUILT = load();

  private SparkVariant() {}

  /** The Spark release the jar was compiled against, e.g. {@code 3.5.9}. */
  public static String builtSpark() {
    return BUILT.getProperty("spark.version");
  }

  /** The jar's name for this variant, e.g. {@code qcal-jobs-spark3.5_2.12.jar}. */
  public static String jarName() {
    return "qcal-jobs-" + BUILT.getProperty("variant") + ".jar";
  }

  /** The Spark on the class path, e.g. {@code 4.0.1}. */
  public static String runningSpark() {
    return org.apache.spark.package$.MODULE$.SPARK_VERSION();
  }

  /** The Scala library on the class path, e.g. {@code 2.13.16}. */
  public static String runningScala() {
    return scala.util.Properties.versionNumberString();
  }

  /** The lines of {@code qcal --version} after qcal's own. */
  public static String[] describe() {
    String built = "built for Spark " + builtSpark() + ", Scala "
        + BUILT.getProperty("scala.binary.version") + " (" + jarName() + ")";
    try {
      return new String[] {built, "running on Spark " + runningSpark() + ", Scala "
          + runningScala()};
    } catch (LinkageError e) {
      return new String[] {built, "no Spark on the class path"};
    }
  }

  /**
   * Null when the running Spark is of the line and Scala binary version the jar was built for;
   * otherwise one line saying which jar to take instead.
   */
  public static String mismatch() {
    String spark = binary(runningSpark());
    String scala = binary(runningScala());
    if (spark.equals(BUILT.getProperty("spark.binary.version"))
        && scala.equals(BUILT.getProperty("scala.binary.version"))) {
      return null;
    }
    return jarName() + " was built for Spark " + BUILT.getProperty("spark.binary.version")
        + " and Scala " + BUILT.getProperty("scala.binary.version") + " but runs on Spark "
        + runningSpark() + " and Scala " + runningScala() + ": use qcal-jobs-spark" + spark + "_"
        + scala + ".jar if qcal builds one (README, \"Spark versions\")";
  }

  /** {@code 3.5.9} to {@code 3.5}, {@code 2.13.16} to {@code 2.13}. */
  static String binary(String version) {
    String[] parts = version.split("\\.");
    return parts.length < 2 ? version : parts[0] + "." + parts[1];
  }

  private static Properties load() {
    Properties p = new Properties();
    try (InputStream in = SparkVariant.class.getResourceAsStream("variant.properties")) {
      if (in == null) {
        throw new IllegalStateException("variant.properties is missing from qcal's jar");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }
}
