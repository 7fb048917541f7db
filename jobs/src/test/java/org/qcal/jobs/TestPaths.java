package org.qcal.jobs;

import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sequence;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The shipped test models and data, from the jobs module's folder (Maven's working folder).
 * Public for the benchmarks module's mains, which run in that folder too.
 */
public final class TestPaths {
  static final Path MODELS = Path.of("../quant-core/src/test/resources/models").toAbsolutePath();
  static final Path SLICE =
      Path.of("src/test/resources/data/fashion-mnist-slice.parquet").toAbsolutePath();

  private TestPaths() {}

  public static String model(String name) {
    Path p = MODELS.resolve(name);
    if (!Files.exists(p)) {
      throw new IllegalStateException("missing test model " + p);
    }
    return p.toString();
  }

  public static String slice() {
    return SLICE.toString();
  }

  /** The slice repeated to {@code rows} rows, written as Parquet in 8 files (benchmarks). */
  public static String repeatSlice(SparkSession spark, long rows, String out) {
    return repeatSlice(spark, rows, 8, out);
  }

  /** The slice repeated to {@code rows} rows, written as Parquet in {@code files} files. */
  public static String repeatSlice(SparkSession spark, long rows, int files, String out) {
    Dataset<Row> slice = spark.read().parquet(slice());
    long times = (rows + slice.count() - 1) / slice.count();
    slice.withColumn("copy", explode(sequence(lit(1), lit(times)))).drop("copy")
        .limit((int) rows).repartition(files).write().parquet(out);
    return out;
  }
}
