package org.qcal.jobs.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ReaderBatchTest {
  private static final String PARQUET = "spark.sql.parquet.columnarReaderBatchSize";
  private static final String ORC = "spark.sql.orc.columnarReaderBatchSize";
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = TestSpark.start("ReaderBatchTest");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @AfterEach
  void unset() {
    ReaderBatch.SETTINGS.forEach(spark.conf()::unset);
  }

  /** Both settings as the planning saw them. */
  private static List<String> seen(RuntimeConfig conf, int batch) {
    return ReaderBatch.capped(conf, batch, () -> List.of(conf.get(PARQUET), conf.get(ORC)));
  }

  @Test
  void theReadersDecodeNoMoreRowsThanTheBatchWhilePlanning() {
    assertEquals(List.of("256", "256"), seen(spark.conf(), 256));
  }

  @Test
  void aSmallBatchStillLetsTheReadersDecodeSixtyFourRows() {
    assertEquals(List.of("64", "64"), seen(spark.conf(), 1));
  }

  @Test
  void theSessionsSettingsComeBackAfterThePlanning() {
    spark.conf().set(ORC, 8192);
    seen(spark.conf(), 64);
    assertFalse(spark.conf().contains(PARQUET), "an unset setting stays unset");
    assertEquals("8192", spark.conf().get(ORC));
  }

  @Test
  void aSmallerSettingOfTheUsersStays() {
    spark.conf().set(PARQUET, 16);
    assertEquals(List.of("16", "64"), seen(spark.conf(), 64));
  }

  @Test
  void theSettingsComeBackWhenThePlanningFails() {
    spark.conf().set(PARQUET, 1000);
    assertThrows(IllegalStateException.class, () -> ReaderBatch.capped(spark.conf(), 64, () -> {
      throw new IllegalStateException("no such path");
    }));
    assertEquals("1000", spark.conf().get(PARQUET));
    assertFalse(spark.conf().contains(ORC));
  }
}
