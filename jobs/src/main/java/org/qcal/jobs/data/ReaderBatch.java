package org.qcal.jobs.data;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.RuntimeConfig;

/**
 * Caps how many rows Spark's columnar file readers (Parquet, ORC) decode at a time, while a
 * pass's rows are planned. Those readers fill one batch of column vectors per task with {@code
 * spark.sql.parquet.columnarReaderBatchSize} rows (default 4096), and the vectors keep the largest
 * capacity they reached for the rest of the task. For a tensor column that is a lot: 4096 rows of
 * 784 floats, plus the nested reader's two int levels per element, are about 40 MB per task, and
 * more for bigger tensors (an image of 3x224x224 floats: 7 GB). A file smaller than the batch
 * fills it only partly, which is why the live heap grew with the rows per file (docs/BENCHMARKS.md,
 * "Executor memory"). qcal takes the rows one by one into batches of its own, so the reader's
 * batch needs to be no larger than the pass's: then a task's memory is bounded by the batch and
 * the tapped tensors, whatever the rows per file or per partition.
 *
 * <p>The readers take the setting when the scan is planned (the Dataset becomes an RDD), so it is
 * set on the session only around that planning, and the user's own values come back afterwards.
 */
final class ReaderBatch {
  /** The settings of Spark's columnar readers that hold rows, in rows. */
  static final List<String> SETTINGS = List.of("spark.sql.parquet.columnarReaderBatchSize",
      "spark.sql.orc.columnarReaderBatchSize");
  /**
   * The fewest rows a reader batch is capped to: a model with a fixed batch of 1 should not make
   * the readers pay their fixed cost per batch and column for every row, and 64 rows are what
   * the pass's default batch holds anyway.
   */
  static final int MIN_ROWS = 64;

  private ReaderBatch() {}

  /**
   * Runs {@code planning} with every reader batch capped at {@code max(batchSize, MIN_ROWS)} rows
   * (a smaller value of the user's stays), then puts the settings back as they were.
   */
  static <T> T capped(RuntimeConfig conf, int batchSize, Supplier<T> planning) {
    long cap = Math.max(batchSize, MIN_ROWS);
    Map<String, String> before = new LinkedHashMap<>();
    for (String key : SETTINGS) {
      before.put(key, conf.contains(key) ? conf.get(key) : null);
      if (Long.parseLong(conf.get(key)) > cap) {
        conf.set(key, cap);
      }
    }
    try {
      return planning.get();
    } finally {
      before.forEach((key, value) -> {
        if (value == null) {
          conf.unset(key);
        } else {
          conf.set(key, value);
        }
      });
    }
  }
}
