package org.qcal.jobs.data;

import org.apache.spark.sql.SparkSession;
import org.qcal.QcalException;

/** The one local Spark session a test class shares (two cores, no UI, loopback driver). */
final class TestSpark {
  private TestSpark() {}

  static SparkSession start(String name) {
    return SparkSession.builder()
        .appName(name)
        .master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate();
  }

  /** The QcalException a failure carries, searching Spark's wrappers as the job does. */
  static QcalException qcalCause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof QcalException q) {
        return q;
      }
    }
    throw new AssertionError("no QcalException in the cause chain of " + t, t);
  }
}
