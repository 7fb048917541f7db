package org.qcal.jobs.data;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Attaches the position columns of {@link BatchPlan} to freshly read rows, before anything can
 * move them between partitions.
 *
 * <ul>
 *   <li>Parquet: Spark's hidden file-source metadata {@code _metadata.file_path} and the
 *       Parquet-only {@code _metadata.row_index} (the row's index in its file, computed by the
 *       reader from the row groups, so right whatever the splits; Spark 3.5+, checked on 4.2).
 *   <li>Other file sources (JSON, ORC, CSV, ...), which have no row index: {@code file_path} and
 *       {@code _metadata.file_block_start}, and a counter per (file, block start) in the scan's
 *       own partitions, where each split's rows arrive contiguous and in file order. Rows count
 *       from the start of the file unless Spark split it (files above
 *       {@code spark.sql.files.maxPartitionBytes}); then from the split, which messages say.
 *   <li>The image and .npy sources (not file scans): their {@code origin} column, and for .npy
 *       its {@code index} (the sample within the file); an image file is one sample.
 *   <li>Anything else (a source without {@code _metadata}): no position columns; messages then
 *       count rows within the partition.
 * </ul>
 */
final class RowPositions {
  private RowPositions() {}

  static Dataset<Row> attach(Dataset<Row> data) {
    List<String> metadata = metadataFields(data);
    if (metadata.contains("row_index")) {
      return data.withColumn(BatchPlan.FILE_COLUMN, col("_metadata.file_path"))
          .withColumn(BatchPlan.BLOCK_COLUMN, lit(0L))
          .withColumn(BatchPlan.ROW_COLUMN, col("_metadata.row_index"));
    }
    if (metadata.contains("file_path") && metadata.contains("file_block_start")) {
      Dataset<Row> located = data.withColumn(BatchPlan.FILE_COLUMN, col("_metadata.file_path"))
          .withColumn(BatchPlan.BLOCK_COLUMN, col("_metadata.file_block_start"));
      StructType schema = located.schema().add(BatchPlan.ROW_COLUMN, DataTypes.LongType, false);
      return data.sparkSession().createDataFrame(located.javaRDD().mapPartitions(
          new CountPerBlock(schema.length() - 3, schema.length() - 2)), schema);
    }
    StructType schema = data.schema();
    if (schema.getFieldIndex(BatchPlan.ORIGIN_COLUMN).isDefined()) {
      boolean indexed = schema.getFieldIndex("index").isDefined();
      return data.withColumn(BatchPlan.FILE_COLUMN, col(BatchPlan.ORIGIN_COLUMN))
          .withColumn(BatchPlan.BLOCK_COLUMN, lit(0L))
          .withColumn(BatchPlan.ROW_COLUMN, indexed ? col("index") : lit(-1L));
    }
    return data;
  }

  /** The fields of the source's hidden {@code _metadata} struct; none when it has none. */
  private static List<String> metadataFields(Dataset<Row> data) {
    try {
      DataType type = data.select(col("_metadata")).schema().fields()[0].dataType();
      return type instanceof StructType struct ? List.of(struct.fieldNames()) : List.of();
    } catch (Exception e) {
      // Spark's AnalysisException (checked in Java's eyes, so RuntimeException misses it): not
      // a file source, e.g. the .npy and image sources
      return List.of();
    }
  }

  /** Appends each row's number within its (file, block start), counted in scan order. */
  private static final class CountPerBlock implements FlatMapFunction<Iterator<Row>, Row> {
    private static final long serialVersionUID = 1L;
    private final int fileIndex;
    private final int blockIndex;

    CountPerBlock(int fileIndex, int blockIndex) {
      this.fileIndex = fileIndex;
      this.blockIndex = blockIndex;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      return new Iterator<>() {
        private String file;
        private long block = -1;
        private long next;

        @Override
        public boolean hasNext() {
          return rows.hasNext();
        }

        @Override
        public Row next() {
          Row row = rows.next();
          String f = row.getString(fileIndex);
          long b = row.getLong(blockIndex);
          if (b != block || !Objects.equals(f, file)) {
            file = f;
            block = b;
            next = 0;
          }
          Object[] values = new Object[row.length() + 1];
          for (int i = 0; i < row.length(); i++) {
            values[i] = row.get(i);
          }
          values[row.length()] = next++;
          return RowFactory.create(values);
        }
      };
    }
  }
}
