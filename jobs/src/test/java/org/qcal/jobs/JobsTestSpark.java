package org.qcal.jobs;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.qcal.jobs.spark.SparkSessions;

/**
 * The one local Spark session a jobs test class shares: two cores, no UI, loopback driver.
 * Public for the benchmarks module's mains.
 */
public final class JobsTestSpark {
  private JobsTestSpark() {}

  /** {@code local[2, maxFailures]} with qcal's serializer settings (Kryo, registration required). */
  static SparkSession start(String name, int maxFailures, String... extraConf) {
    return startWith(name, "local[2," + maxFailures + "]", extraConf);
  }

  /** A session on {@code master} with the settings above. */
  public static SparkSession startWith(String name, String master, String... extraConf) {
    SparkConf conf = new SparkConf()
        .setAppName(name)
        .setMaster(master)
        .set("spark.ui.enabled", "false")
        .set("spark.ui.showConsoleProgress", "false")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.sql.shuffle.partitions", "4");
    for (int i = 0; i + 1 < extraConf.length; i += 2) {
      conf.set(extraConf[i], extraConf[i + 1]);
    }
    SparkSessions.applyQcalDefaults(conf);
    return SparkSession.builder().config(conf).getOrCreate();
  }
}
