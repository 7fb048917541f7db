package org.qcal.jobs.api;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What every run's builder sets alike: the FP32 model, the data and how it binds to the model's
 * inputs, and the optional output folder. Setters validate what they can alone and return this
 * builder; {@code build()} checks the whole.
 *
 * @param <B> the concrete builder, so chained calls keep its type
 */
public abstract class RunBuilder<B extends RunBuilder<B>> {
  InputModel model;
  private String dataPath;
  private Dataset<Row> rows;
  private String format;
  private String imagePreprocessing;
  private final Map<String, String> inputs = new LinkedHashMap<>();
  private final Map<String, String> inputShapes = new LinkedHashMap<>();
  private Long limit;
  int batchSize = Defaults.BATCH_SIZE;
  String out;
  boolean overwrite;

  RunBuilder() {}

  @SuppressWarnings("unchecked")
  final B self() {
    return (B) this;
  }

  /** The FP32 ONNX model at a path on any Hadoop file system (required, or the bytes). */
  public B model(String path) {
    this.model = InputModel.path(path);
    return self();
  }

  /** The FP32 ONNX model's bytes, with weights inside; {@code name} names it in messages. */
  public B model(String name, byte[] bytes) {
    this.model = InputModel.bytes(name, bytes);
    return self();
  }

  /** The data at a path (a file or folder: Parquet, ORC, JSON, images, .npy). */
  public B data(String path) {
    if (path == null || path.isBlank()) {
      throw new BadArgument("data", "path must not be empty");
    }
    this.dataPath = path;
    this.rows = null;
    return self();
  }

  /** Rows already in the caller's session; numeric array columns feed the model inputs. */
  public B data(Dataset<Row> dataset) {
    if (dataset == null) {
      throw new BadArgument("data", "must not be null");
    }
    this.rows = dataset;
    this.dataPath = null;
    return self();
  }

  /** parquet, orc, json, image or npy (default: from the path). */
  public B format(String name) {
    this.format = name;
    return self();
  }

  /** Image preprocessing, e.g. {@code resize=224x224,scale=0.00392} (default: fit the model). */
  public B imagePreprocessing(String spec) {
    this.imagePreprocessing = spec;
    return self();
  }

  /** Binds model input {@code name} to data column {@code column} (default: the only one). */
  public B input(String name, String column) {
    if (inputs.putIfAbsent(name, column) != null) {
      throw new BadArgument("input", name + " is bound twice");
    }
    return self();
  }

  /** The sample shape of an input with several dynamic dims: {@code 3,48,192} or {@code @col}. */
  public B inputShape(String name, String spec) {
    if (inputShapes.putIfAbsent(name, spec) != null) {
      throw new BadArgument("inputShape", name + " is given twice");
    }
    return self();
  }

  /** At most this many rows, the first ones in data order (default: all). */
  public B limit(long rowCount) {
    if (rowCount < 1) {
      throw new BadArgument("limit", "must be >= 1, got " + rowCount);
    }
    this.limit = rowCount;
    return self();
  }

  /** Rows per forward pass (default 64). */
  public B batchSize(int rows) {
    this.batchSize = BadArgument.atLeast("batchSize", rows, 1);
    return self();
  }

  /**
   * Writes the outputs into {@code dir}, atomically (default: none; the result object only).
   * An existing folder is refused unless {@link #overwrite} and qcal wrote it.
   */
  public B output(String dir) {
    this.out = dir;
    return self();
  }

  /** Replace an existing output folder that qcal wrote (default false). */
  public B overwrite(boolean replace) {
    this.overwrite = replace;
    return self();
  }

  final InputModel requireModel() {
    if (model == null) {
      throw new BadArgument("model", "is needed");
    }
    return model;
  }

  final DataSource dataSource() {
    if (dataPath == null && rows == null) {
      throw new BadArgument("data", "is needed");
    }
    return new DataSource(dataPath, rows, format, imagePreprocessing, inputs, inputShapes,
        limit);
  }
}
