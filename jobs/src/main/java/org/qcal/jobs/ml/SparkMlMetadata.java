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
 * (README, "Spark versions"), so the call is bound at run time.
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
   * Calls the static {@code name(first, session-or-context, last)} of {@code owner}: {@code
   * before} is the argument before the session, {@code after} the one after it.
   */
  private static Object invoke(Class<?> owner, String name, SparkSession spark, Object before,
      Object after) {
    for (Method m : owner.getMethods()) {
      Class<?>[] types = m.getParameterTypes();
      if (!m.getName().equals(name) || types.length != 3 || !types[0].isInstance(before)
          || !types[2].isInstance(after)) {
        continue;
      }
      Object session = types[1] == SparkSession.class ? spark
          : types[1] == SparkContext.class ? spark.sparkContext() : null;
      if (session == null) {
        continue;
      }
      try {
        return m.invoke(null, before, session, after);
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
        + "(_, SparkSession or SparkContext, _) not found in this Spark");
  }
}
