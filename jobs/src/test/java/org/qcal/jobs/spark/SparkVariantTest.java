package org.qcal.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The variant the build filled in agrees with the Spark and Scala the tests run on. */
class SparkVariantTest {
  @Test
  void theBuildsVariantIsTheSparkOnTheClassPath() {
    assertEquals(SparkVariant.runningSpark(), SparkVariant.builtSpark());
    assertNull(SparkVariant.mismatch());
    assertTrue(SparkVariant.jarName().matches("qcal-jobs-spark\\d+\\.\\d+_2\\.1[23]\\.jar"),
        SparkVariant.jarName());
    String[] lines = SparkVariant.describe();
    assertEquals("built for Spark " + SparkVariant.builtSpark() + ", Scala "
        + SparkVariant.binary(SparkVariant.runningScala()) + " (" + SparkVariant.jarName() + ")",
        lines[0]);
    assertEquals("running on Spark " + SparkVariant.runningSpark() + ", Scala "
        + SparkVariant.runningScala(), lines[1]);
  }

  @Test
  void binaryVersionsAreMajorDotMinor() {
    assertEquals("3.5", SparkVariant.binary("3.5.9"));
    assertEquals("2.13", SparkVariant.binary("2.13.16"));
    assertEquals("4.1", SparkVariant.binary("4.1.0-preview2"));
    assertEquals("4", SparkVariant.binary("4"));
  }
}
