package org.qcal.jobs.data;

import java.io.IOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.qcal.QcalException;

/**
 * Opens a data path as a {@code Dataset<Row>}, on the driver, lazily (nothing is read but file
 * listings and one .npy header). Everything goes through Spark and Hadoop's FileSystem, so local
 * paths, {@code hdfs://} and {@code s3a://} work alike; a path may be a file, a folder or a glob.
 *
 * <ul>
 *   <li>parquet, orc, json, and any other name Spark's reader knows: read as they are.
 *   <li>image: Spark's image source (folders searched recursively for png/jpg/jpeg/bmp/gif) and
 *       an {@link ImagePreprocessing}; columns {@code origin string, image array<float>}.
 *   <li>npy: one or more {@code .npy} files (a folder's own files, not nested ones); columns
 *       {@code origin string, index bigint, tensor array<float|bigint>}, see {@link NpyReader}.
 * </ul>
 *
 * Without a format, it is told from the path (see {@link FormatDetector}).
 *
 * <p>With {@link #positions()}, every row also carries where it comes from, for messages about
 * bad rows ({@link BatchPlan#FILE_COLUMN}, {@link BatchPlan#BLOCK_COLUMN}, {@link
 * BatchPlan#ROW_COLUMN}), attached here, before any repartition or limit can reorder rows.
 */
public final class DatasetLoader {
  /** The tensor column of the image source. */
  public static final String IMAGE_COLUMN = "image";
  /** The tensor column of the .npy source. */
  public static final String NPY_COLUMN = "tensor";

  private static final String IMAGE_GLOB =
      "*.{png,PNG,jpg,JPG,jpeg,JPEG,bmp,BMP,gif,GIF}";

  private final SparkSession spark;
  private ImagePreprocessing image = ImagePreprocessing.defaults();
  private long[] sampleShape;
  private final Map<String, String> options = new LinkedHashMap<>();
  private boolean positions;

  public DatasetLoader(SparkSession spark) {
    this.spark = spark;
  }

  /** How images are turned into tensors (default {@link ImagePreprocessing#defaults()}). */
  public DatasetLoader image(ImagePreprocessing preprocessing) {
    this.image = preprocessing;
    return this;
  }

  /**
   * The model's sample shape (its input shape without the batch dim): splits .npy batch files
   * into samples and gives images their size when the preprocessing has none.
   */
  public DatasetLoader sampleShape(long[] shape) {
    this.sampleShape = shape == null ? null : shape.clone();
    return this;
  }

  /** An option for Spark's reader (e.g. {@code multiLine} for JSON). */
  public DatasetLoader option(String key, String value) {
    options.put(key, value);
    return this;
  }

  /** Adds the position columns to the rows (see the class comment). */
  public DatasetLoader positions() {
    this.positions = true;
    return this;
  }

  /** Opens {@code path} as {@code format}, or as its files say when format is null or blank. */
  public Dataset<Row> load(String path, String format) {
    Dataset<Row> data = open(path, format);
    return positions ? RowPositions.attach(data) : data;
  }

  private Dataset<Row> open(String path, String format) {
    Path p = new Path(path);
    FileSystem fs = fileSystem(p, path);
    FormatDetector.existing(fs, p, path);
    DataFormat known = format == null || format.isBlank()
        ? FormatDetector.detect(fs, p, path) : DataFormat.fromName(format);
    if (known == null) {
      return read(format.trim(), path, Map.of());
    }
    return switch (known) {
      case PARQUET, ORC, JSON -> read(known.formatName(), path, Map.of());
      case IMAGE -> images(fs, p, path);
      case NPY -> npy(fs, p, path);
    };
  }

  /** Fails with "data path ... has no rows" unless the dataset has a row (reads at most one). */
  public static void requireNonEmpty(Dataset<Row> data, String path) {
    if (data.isEmpty()) {
      throw new QcalException("data path '" + path + "' has no rows");
    }
  }

  private Dataset<Row> read(String format, String path, Map<String, String> extra) {
    try {
      return spark.read().format(format).options(options).options(extra).load(path);
    } catch (Exception e) {
      // Spark's AnalysisException is checked in Scala's eyes only: catch broadly and keep its
      // first line, which names the problem (unknown source, unreadable file, bad schema).
      String message = e.getMessage() == null ? e.toString() : e.getMessage();
      throw new QcalException("cannot read data path '" + path + "' as " + format + ": "
          + message.lines().findFirst().orElse(""), e);
    }
  }

  private Dataset<Row> images(FileSystem fs, Path p, String path) {
    ImagePreprocessing spec = image;
    if (sampleShape != null) {
      spec = spec.fitTo(sampleShape, "image");
    }
    Map<String, String> extra = new LinkedHashMap<>();
    // Keep undecodable files as rows so that the tensorizer can fail naming them.
    extra.put("dropInvalid", "false");
    if (isFolder(fs, p, path)) {
      extra.put("recursiveFileLookup", "true");
      extra.put("pathGlobFilter", IMAGE_GLOB);
    }
    Dataset<Row> raw = read("image", path, extra);
    JavaRDD<Row> rows = raw.javaRDD().map(new ImageTensorizer(spec));
    StructType schema = new StructType()
        .add(BatchPlan.ORIGIN_COLUMN, DataTypes.StringType, false)
        .add(IMAGE_COLUMN, DataTypes.createArrayType(DataTypes.FloatType, false), false);
    return spark.createDataFrame(rows, schema);
  }

  private Dataset<Row> npy(FileSystem fs, Path p, String path) {
    String readPath = path;
    FileStatus[] files;
    try {
      if (isFolder(fs, p, path)) {
        Path glob = new Path(p, "*.npy");
        readPath = glob.toString();
        files = fs.globStatus(glob);
      } else {
        files = fs.globStatus(p);
      }
    } catch (IOException e) {
      throw new QcalException("cannot list data path '" + path + "': " + e.getMessage(), e);
    }
    FileStatus first = files == null ? null : Arrays.stream(files).filter(FileStatus::isFile)
        .min(Comparator.comparing(f -> f.getPath().toString())).orElse(null);
    if (first == null) {
      throw new QcalException("data path '" + path + "' holds no .npy files (nested folders "
          + "are not read)");
    }
    String firstName = first.getPath().toString();
    boolean integer;
    try (FSDataInputStream in = fs.open(first.getPath())) {
      integer = NpyHeader.read(in, firstName).dtype.integer;
    } catch (IOException e) {
      throw new QcalException("cannot read file '" + firstName + "': " + e.getMessage(), e);
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    JavaRDD<Row> rows = jsc.binaryFiles(readPath)
        .flatMap(new NpyReader(sampleShape, integer, firstName));
    DataType element = integer ? DataTypes.LongType : DataTypes.FloatType;
    StructType schema = new StructType()
        .add(BatchPlan.ORIGIN_COLUMN, DataTypes.StringType, false)
        .add("index", DataTypes.LongType, false)
        .add(NPY_COLUMN, DataTypes.createArrayType(element, false), false);
    return spark.createDataFrame(rows, schema);
  }

  private FileSystem fileSystem(Path p, String path) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    try {
      return p.getFileSystem(conf);
    } catch (IOException e) {
      throw new QcalException("cannot open data path '" + path + "': " + e.getMessage(), e);
    }
  }

  private static boolean isFolder(FileSystem fs, Path p, String path) {
    try {
      return fs.getFileStatus(p).isDirectory();
    } catch (IOException e) {
      return false; // a glob: Spark and Hadoop expand it themselves
    }
  }
}
