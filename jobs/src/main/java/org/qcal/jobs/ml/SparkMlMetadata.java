package org.qcal.jobs.ml;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.apache.spark.SparkContext;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.sql.SparkSession;

/**
 * Spark ML's metadata files of a stage, through {@code DefaultParamsWriter.saveMetadata} and
 * {@code DefaultParamsReader.loadMetadata}, whichever form this Spark has: Spark 3.5 takes a
 * {@code SparkContext}, Spark 4 a {@code SparkSession}. The same jar source builds for both
 * (README, "Spark versions"), so the call is bound at run time. Spark 3.5's {@code saveMetadata}
 * also has two trailing {@code Option} parameters (extra metadata, param map; Scala defaults,
 * so Java sees them), passed as {@code None}.
 */
final class SparkMlMetadata {
  private SparkMlMetadata() {}

  static void save(Params params, String path, SparkSession spark) {
    invoke(DefaultParamsWriter.class, "saveMetadata", spark, params, path);
  }

  static DefaultParamsReader.Metadata load(String path, SparkSession spark, String className) {
    return (DefaultParamsReader.Metadata) invoke(DefaultParamsReader.class, "loadMetadata",
        spark, path, className);
  }

  /**
   * Calls the static {@code name} of {@code owner} whose parameters are {@code others}, in
   * order, with a {@code SparkSession} or {@code SparkContext} anywhere among them (3.5:
   * {@code saveMetadata(instance, path, sc)}, {@code loadMetadata(path, sc, className)}).
   */
  private static Object invoke(Class<?> owner, String name, SparkSession spark,
      Object... others) {
    Method best = null;
    Object[] bestArgs = null;
    for (Method m : owner.getMethods()) {
      Object[] args = arguments(m, name, spark, others);
      if (args != null && (best == null || args.length < bestArgs.length)) {
        best = m;
        bestArgs = args;
      }
    }
    if (best != null) {
      try {
        return best.invoke(null, bestArgs);
      } catch (InvocationTargetException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        throw new IllegalStateException(name + " failed", e.getCause());
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(name + " is not accessible", e);
      }
    }
    throw new IllegalStateException(owner.getSimpleName() + "." + name
        + " with a SparkSession or SparkContext not found in this Spark");
  }

  /**
   * The arguments of {@code m} with the session in its place and {@code None} for trailing
   * {@code Option} parameters, or null if it does not fit.
   */
  private static Object[] arguments(Method m, String name, SparkSession spark, Object[] others) {
    Class<?>[] types = m.getParameterTypes();
    if (!m.getName().equals(name) || types.length < others.length + 1) {
      return null;
    }
    Object[] args = new Object[types.length];
    int next = 0;
    boolean session = false;
    for (int i = 0; i < types.length; i++) {
      if (!session && types[i] == SparkSession.class) {
        args[i] = spark;
        session = true;
      } else if (!session && types[i] == SparkContext.class) {
        args[i] = spark.sparkContext();
        session = true;
      } else if (next < others.length && types[i].isInstance(others[next])) {
        args[i] = others[next++];
      } else if (next == others.length && types[i] == scala.Option.class) {
        args[i] = scala.Option.empty();
      } else {
        return null;
      }
    }
    return session && next == others.length ? args : null;
  }
}
