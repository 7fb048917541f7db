package org.qcal.jobs.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hash sample of {@code --choose auto}: the same rows whatever the partitioning. */
class PositionSampleTest {
  private static final long ROWS = 3000;
  private static SparkSession spark;
  @TempDir static Path tmp;
  private static Dataset<Row> data;

  @BeforeAll
  static void data() {
    spark = TestSpark.start("PositionSampleTest");
    String path = tmp.resolve("rows.parquet").toString();
    spark.range(ROWS).repartition(3).write().parquet(path); // three files
    data = new DatasetLoader(spark).positions().load(path, null);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static PositionSample sample(StructType schema, double share) {
    return new PositionSample(schema.fieldIndex(BatchPlan.FILE_COLUMN),
        schema.fieldIndex(BatchPlan.BLOCK_COLUMN), schema.fieldIndex(BatchPlan.ROW_COLUMN), share,
        "");
  }

  /** The kept rows as "file:row" strings (the ids of spark.range tell nothing of position). */
  private static Set<String> kept(Dataset<Row> rows, double share) {
    PositionSample keep = sample(rows.schema(), share);
    int file = rows.schema().fieldIndex(BatchPlan.FILE_COLUMN);
    int row = rows.schema().fieldIndex(BatchPlan.ROW_COLUMN);
    return new TreeSet<>(rows.javaRDD().filter(keep)
        .map(r -> r.getString(file) + ":" + r.getLong(row)).collect());
  }

  @Test
  void keepsTheSameRowsWhateverThePartitioning() {
    Set<String> one = kept(data.repartition(1), 0.1);
    Set<String> five = kept(data.repartition(5), 0.1);
    assertEquals(one, five);
    // Binomial(3000, 0.1): mean 300, standard deviation sqrt(3000 * 0.1 * 0.9) = 16.4; within
    // four of them unless the hash is biased.
    assertTrue(one.size() >= 234 && one.size() <= 366, "kept " + one.size() + " of 3000");
  }

  @Test
  void keepsTheSameRowsOfACopyInAnotherFolderOrFileSystem() {
    PositionSample local = new PositionSample(0, 1, 2, 0.5, "/tmp/a/data");
    PositionSample hdfs = new PositionSample(0, 1, 2, 0.5, "/user/b/copy/");
    PositionSample file = new PositionSample(0, 1, 2, 0.5, "/tmp/slice.parquet");
    PositionSample renamed = new PositionSample(0, 1, 2, 0.5, "/in/other name.parquet");
    int kept = 0;
    for (long i = 0; i < 200; i++) {
      boolean inFolder = local.call(RowFactory.create("file:///tmp/a/data/k=1/part-1.parquet",
          0L, i));
      assertEquals(inFolder, hdfs.call(RowFactory.create(
          "hdfs://namenode:8020/user/b/copy/k=1/part-1.parquet", 0L, i)), "row " + i);
      boolean single = file.call(RowFactory.create("file:///tmp/slice.parquet", 0L, i));
      assertEquals(single, renamed.call(RowFactory.create(
          "hdfs://nn/in/other%20name.parquet", 0L, i)), "row " + i);
      kept += inFolder ? 1 : 0;
    }
    // Binomial(200, 0.5): mean 100, sd 7.1; four of them.
    assertTrue(kept >= 72 && kept <= 128, "kept " + kept);
  }

  @Test
  void keepsRowsFromEveryFileNotJustTheFirst() {
    Set<String> files = new TreeSet<>();
    kept(data, 0.1).forEach(k -> files.add(k.substring(0, k.lastIndexOf(':'))));
    assertEquals(3, files.size(), files.toString());
  }

  @Test
  void aShareOfOneOrRowsWithoutPositionsKeepEverything() throws Exception {
    assertEquals(ROWS, kept(data, 1.0).size());
    PositionSample unpositioned = new PositionSample(-1, -1, -1, 0.1, "");
    assertTrue(data.javaRDD().filter(unpositioned).count() == ROWS);
  }
}
