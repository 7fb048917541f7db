package org.qcal.jobs;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Gets the Spark session a command runs in. Under {@code spark-submit} the master and the
 * cluster's settings are already in the configuration; without one, qcal runs embedded in
 * {@code local[*]} with the settings of {@code conf/spark-defaults.conf} that matter in-process.
 */
public final class SparkSessions {
  private SparkSessions() {}

  /** The active session, or a new one (embedded when no master is configured). */
  public static SparkSession getOrCreate(String appName) {
    SparkSession active = SparkSession.getActiveSession().getOrElse(() -> null);
    if (active != null) {
      return active;
    }
    SparkConf conf = new SparkConf();
    boolean embedded = !conf.contains("spark.master");
    if (embedded) {
      conf.setMaster("local[*]");
      conf.setIfMissing("spark.ui.showConsoleProgress", "true");
      conf.setIfMissing("spark.ui.enabled", "false");
      conf.setIfMissing("spark.driver.host", "127.0.0.1");
      conf.setIfMissing("spark.sql.shuffle.partitions", "8");
    }
    applyQcalDefaults(conf);
    return SparkSession.builder().appName(appName).config(conf).getOrCreate();
  }

  /** qcal's serializer settings, unless the user set their own. */
  public static SparkConf applyQcalDefaults(SparkConf conf) {
    conf.setIfMissing("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
    conf.setIfMissing("spark.kryo.registrator", QcalKryoRegistrator.class.getName());
    conf.setIfMissing("spark.kryo.registrationRequired", "true");
    return conf;
  }
}
