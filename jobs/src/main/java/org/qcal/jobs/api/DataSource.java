package org.qcal.jobs.api;

import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The rows a pass runs over, and how they become model inputs: a path read through Spark (any
 * Hadoop file system; Parquet, ORC, JSON, images, .npy), or a {@code Dataset<Row>} already in
 * the caller's session, whose numeric array columns feed the model as they are.
 *
 * @param path the data path, or null for {@code rows}
 * @param rows the caller's rows, or null for {@code path}
 * @param format the format of {@code path}, or null to infer it from the path
 * @param imagePreprocessing how images become tensors (see {@code ImagePreprocessing.parse}), or
 *     null for the defaults fitted to the model's input
 * @param inputs model input name to data column; empty to bind a single input by default
 * @param inputShapes model input name to its sample shape spec ({@code 3,48,192} or {@code
 *     @column}) for inputs with several dynamic dims; may be empty
 * @param limit at most this many rows (the first ones, in data order), or null for all
 */
public record DataSource(String path, Dataset<Row> rows, String format,
    String imagePreprocessing, Map<String, String> inputs, Map<String, String> inputShapes,
    Long limit) {

  /** What messages call a caller's rows. */
  public static final String ROWS = "the given Dataset<Row>";

  public DataSource {
    if ((path == null) == (rows == null)) {
      throw new BadArgument("data", "is needed: a path or a Dataset<Row>, not both");
    }
    if (limit != null && limit < 1) {
      throw new BadArgument("limit", "must be >= 1, got " + limit);
    }
    inputs = Map.copyOf(inputs);
    inputShapes = Map.copyOf(inputShapes);
  }

  /** The path, or what messages call the caller's rows. */
  public String describe() {
    return path != null ? path : ROWS;
  }

  @Override
  public String toString() {
    return describe();
  }
}
