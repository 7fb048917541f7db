package org.qcal.jobs.data;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.qcal.jobs.api.DataSource;
import org.qcal.runtime.ModelSignature;

/**
 * The data a pass runs over, opened the same way by calibrate, validate and tune: read, bound to
 * the model's inputs, checked non-empty, limited, and spread over the task slots.
 */
public final class ModelData {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ModelData.class);
  private ModelData() {}

  /**
   * Opens {@code source} for a model with {@code signature}: bound inputs, the label column
   * checked, at most its limit of rows (the first ones, in data order), in {@code partitions}
   * partitions (or spread over the task slots when the data has fewer). A path's rows carry
   * their positions (file, block, row) for messages and hash samples; a caller's Dataset's do
   * not. Spark's columnar readers decode at most {@code max(batchSize, 64)} rows at a time for
   * these rows ({@link ReaderBatch}).
   */
  public static PassData load(SparkSession spark, ModelSignature signature, DataSource source,
      String label, int batchSize, Integer partitions) {
    // The emptiness check and the RDD below plan scans: cap their reader batches (ReaderBatch).
    return ReaderBatch.capped(spark.conf(), batchSize,
        () -> open(spark, signature, source, label, batchSize, partitions));
  }

  private static PassData open(SparkSession spark, ModelSignature signature, DataSource source,
      String label, int batchSize, Integer partitions) {
    String where = source.describe();
    Dataset<Row> data = source.path() == null ? source.rows() : new DatasetLoader(spark)
        .image(source.imagePreprocessing() == null ? ImagePreprocessing.defaults()
            : ImagePreprocessing.parse(source.imagePreprocessing()))
        .sampleShape(ModelInputs.firstSampleShape(signature, source.inputShapes()))
        .positions() // before the limit and repartition below, which reorder rows
        .load(source.path(), source.format());
    List<InputBinding> bindings = InputBinder.bind(ModelInputs.of(signature), data.schema(),
        source.inputs(), source.inputShapes(), where);
    BatchPlan plan = new BatchPlan(bindings, data.schema(), batchSize, label, where);
    logShapes(bindings, plan, batchSize);
    DatasetLoader.requireNonEmpty(data, where);
    Dataset<Row> rows = limit(data, source.limit());
    if (partitions != null) {
      rows = rows.repartition(partitions);
    } else if (rows.rdd().getNumPartitions() < spark.sparkContext().defaultParallelism()) {
      rows = rows.repartition(spark.sparkContext().defaultParallelism());
    }
    rows = groupedByShape(rows, bindings);
    Map<String, String> columns = new LinkedHashMap<>();
    bindings.forEach(b -> columns.put(b.inputName(), b.column()));
    String format = source.path() == null ? "dataset"
        : source.format() == null ? "auto" : source.format();
    return new PassData(rows.javaRDD(), plan, where, format, columns);
  }

  /**
   * Rows with a shape column are sorted by it within each partition: a batch never mixes shapes
   * (RowBatcher ends one where the shape changes), so grouping them keeps batches full. A local
   * sort, no shuffle; the statistics of batch-first tensors do not depend on the order.
   */
  private static Dataset<Row> groupedByShape(Dataset<Row> rows, List<InputBinding> bindings) {
    List<org.apache.spark.sql.Column> shapes = bindings.stream()
        .filter(b -> b.shapeColumn() != null)
        .map(b -> org.apache.spark.sql.functions.col(b.shapeColumn())).distinct().toList();
    return shapes.isEmpty() ? rows
        : rows.sortWithinPartitions(shapes.toArray(new org.apache.spark.sql.Column[0]));
  }

  /** Says what the data layer decided for the user that the options did not say. */
  private static void logShapes(List<InputBinding> bindings, BatchPlan plan, int batchSize) {
    for (InputBinding b : bindings) {
      if (b.maxBatchSize() < batchSize) {
        LOG.info("input {} has a fixed batch of {}: feeding batches of {} row(s), not {}",
            b.input().describe(), b.maxBatchSize(), plan.batchSize(), batchSize);
      }
      if (b.inputShape() != null) {
        LOG.info("{}", b);
      }
    }
  }

  private static Dataset<Row> limit(Dataset<Row> data, Long limit) {
    return limit == null ? data : data.limit(Math.toIntExact(Math.min(limit, Integer.MAX_VALUE)));
  }
}
