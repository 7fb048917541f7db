package org.qcal.jobs.ml;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.qcal.jobs.io.HadoopBytes;

/**
 * How qcal's stages are saved: Spark ML's metadata (class, uid, params; {@code
 * DefaultParamsWriter}'s layout, so {@code Pipeline} and {@code PipelineModel} load them), and
 * under {@code data/} the files that are not params (a model, a calibration.json), written and
 * read whole through Hadoop's FileSystem.
 */
final class StageFiles {
  /** The folder beside the metadata that holds the files. */
  static final String DATA = "data";

  private StageFiles() {}

  /** {@code path/data/name}. */
  static String file(String path, String name) {
    return new org.apache.hadoop.fs.Path(new org.apache.hadoop.fs.Path(path, DATA), name)
        .toString();
  }

  /** Writes {@code params} as metadata and each non-null file under {@code data/}. */
  static MLWriter writer(Params params, Map<String, byte[]> files) {
    Map<String, byte[]> copy = new LinkedHashMap<>(files);
    return new MLWriter() {
      @Override
      public void saveImpl(String path) {
        SparkMlMetadata.save(params, path, sparkSession());
        Configuration conf = sparkSession().sparkContext().hadoopConfiguration();
        copy.forEach((name, bytes) -> {
          if (bytes != null) {
            HadoopBytes.write(file(path, name), bytes, conf);
          }
        });
      }
    };
  }

  /** Makes a stage from its uid and its saved files. */
  interface Factory<T> {
    /**
     * @param where the stage and its path, for messages
     * @param files the bytes of {@code data/NAME}, or null when the stage saved none
     */
    T create(String uid, String where, Function<String, byte[]> files);
  }

  /** Reads metadata of a {@code type} stage, makes it from its files, then sets its params. */
  static <T extends Params> MLReader<T> reader(Class<T> type, Factory<T> factory) {
    return new MLReader<T>() {
      @Override
      public T load(String path) {
        DefaultParamsReader.Metadata metadata = SparkMlMetadata.load(path, sparkSession(),
            type.getName());
        Configuration conf = sparkSession().sparkContext().hadoopConfiguration();
        String where = type.getSimpleName() + " " + path;
        T stage = factory.create(metadata.uid(), where,
            name -> HadoopBytes.exists(file(path, name), conf)
                ? HadoopBytes.read(file(path, name), where, conf) : null);
        metadata.getAndSetParams(stage, scala.Option.empty());
        return stage;
      }
    };
  }
}
