package org.qcal.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.qcal.jobs.data.BatchPlan;
import org.qcal.jobs.data.DatasetLoader;
import org.qcal.jobs.data.InputBinder;
import org.qcal.jobs.data.ModelInputs;
import org.qcal.runtime.ModelDigest;
import org.qcal.runtime.ModelSignature;
import org.qcal.runtime.ModelSource;
import org.qcal.runtime.RuntimeOptions;
import org.qcal.runtime.SessionCache;

/**
 * A model and a data set made ready for the benchmarks' plain inference (their baseline): the
 * model's bytes broadcast, the rows loaded, and batches bound to the model's inputs as the jobs
 * bind them. {@link #close()} destroys the broadcast.
 *
 * @param modelPath the model's path, its name for the session cache
 * @param digest the SHA-256 of the model's bytes
 * @param runtime the ONNX Runtime settings of the sessions
 * @param rows the data set's rows
 * @param plan the data set's columns bound to the model's inputs, in batches
 * @param model the model's bytes, broadcast to the executors
 */
record PlainInput(String modelPath, String digest, RuntimeOptions runtime, Dataset<Row> rows,
    BatchPlan plan, Broadcast<byte[]> model) implements AutoCloseable {

  static PlainInput load(SparkSession spark, String modelPath, String data,
      RuntimeOptions runtime, int batch) throws IOException {
    byte[] bytes = Files.readAllBytes(Path.of(modelPath));
    String digest = ModelDigest.sha256Hex(bytes);
    ModelSignature signature =
        SessionCache.signature(ModelSource.of(modelPath, digest, bytes), runtime);
    Dataset<Row> df = new DatasetLoader(spark).load(data, null);
    BatchPlan plan = new BatchPlan(InputBinder.bind(ModelInputs.of(signature), df.schema(),
        Map.of(), data), df.schema(), batch, null, data);
    Broadcast<byte[]> broadcast =
        JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(bytes);
    return new PlainInput(modelPath, digest, runtime, df, plan, broadcast);
  }

  @Override
  public void close() {
    model.destroy();
  }
}
