package org.qcal.jobs.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets the Spark session a command runs in. Under {@code spark-submit} the master and the
 * cluster's settings are already in the configuration; without one, qcal runs embedded in
 * {@code local[*]} with the settings of {@code conf/spark-defaults.conf} that matter in-process.
 */
public final class SparkSessions {
  /** The session this class created, which the process stops before it exits. */
  private static volatile SparkSession owned;
  private static volatile boolean variantChecked;
  private static final Logger LOG = LoggerFactory.getLogger(SparkSessions.class);

  private SparkSessions() {}

  /** Stops the session {@link #getOrCreate} created, if any; a caller's session is left alone. */
  public static void stopOwned() {
    SparkSession session = owned;
    owned = null;
    if (session != null) {
      try {
        session.stop();
      } catch (RuntimeException e) {
        // Stopping is best effort at exit: the exit code is already decided.
      }
    }
  }

  /**
   * The active session, or a new one (embedded when no master is configured). Warns once when
   * the jar runs on a Spark line or Scala version it was not built for.
   */
  public static SparkSession getOrCreate(String appName) {
    if (!variantChecked) {
      variantChecked = true;
      String mismatch = SparkVariant.mismatch();
      if (mismatch != null) {
        LOG.warn(mismatch);
      }
    }
    SparkSession active = SparkSession.getActiveSession().getOrElse(() -> null);
    if (active != null) {
      return active;
    }
    SparkConf conf = new SparkConf();
    boolean embedded = !conf.contains("spark.master");
    if (embedded) {
      conf.setMaster("local[*]");
      // No progress bar: it redraws with '\r' and leaves a partial line that a failure's one
      // qcal: line would be glued to; qcal logs each pass's progress itself.
      conf.setIfMissing("spark.ui.showConsoleProgress", "false");
      conf.setIfMissing("spark.ui.enabled", "false");
      conf.setIfMissing("spark.driver.host", "127.0.0.1");
      conf.setIfMissing("spark.sql.shuffle.partitions", "8");
    }
    applyQcalDefaults(conf);
    owned = SparkSession.builder().appName(appName).config(conf).getOrCreate();
    return owned;
  }

  /** qcal's serializer settings, unless the user set their own. */
  public static SparkConf applyQcalDefaults(SparkConf conf) {
    conf.setIfMissing("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
    conf.setIfMissing("spark.kryo.registrator", QcalKryoRegistrator.class.getName());
    conf.setIfMissing("spark.kryo.registrationRequired", "true");
    return conf;
  }
}
