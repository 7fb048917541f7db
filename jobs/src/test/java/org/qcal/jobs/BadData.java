package org.qcal.jobs;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

import java.io.File;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Slices of the Fashion-MNIST test data with chosen bad rows, written as one file each. */
final class BadData {
  private BadData() {}

  /**
   * The first {@code rows} rows of the slice in one file under {@code folder} ({@code format}),
   * where row {@code longRow} has 785 pixels and row {@code nullRow} a null pixel (-1: none).
   * Returns the name of the data file written.
   */
  static String write(SparkSession spark, String folder, String format, int rows, long longRow,
      long nullRow) {
    Dataset<Row> slice = spark.read().parquet(TestPaths.slice()).limit(rows).coalesce(1)
        .withColumn("i", monotonically_increasing_id()); // 0.. in file order: one partition
    Column pixels = col("pixels");
    Column nullAt3 = nullAt(pixels, 3);
    Dataset<Row> bad = slice
        .withColumn("pixels", when(col("i").equalTo(longRow), concat(pixels, array(lit(0.5f))))
            .when(col("i").equalTo(nullRow), nullAt3)
            .otherwise(pixels))
        .drop("i");
    bad.write().format(format).save(folder);
    File[] files = new File(folder).listFiles((d, n) -> n.startsWith("part-"));
    if (files == null || files.length != 1) {
      throw new IllegalStateException("expected one data file in " + folder);
    }
    return files[0].getName();
  }

  /** The pixels with element {@code k} replaced by null. */
  private static Column nullAt(Column pixels, int k) {
    return transform(pixels, (x, i) -> when(i.equalTo(k), lit(null).cast("float")).otherwise(x));
  }
}
