package org.qcal.jobs.ml;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.qcal.QcalException;
import org.qcal.jobs.api.CalibrationResult;
import org.qcal.jobs.data.BatchPlan;
import org.qcal.jobs.io.CalibrationFile;
import org.qcal.jobs.io.CalibrationJson;
import org.qcal.jobs.spark.InferencePass;
import org.qcal.jobs.spark.ModelRef;
import org.qcal.jobs.validate.ValidateJob;
import org.qcal.runtime.ModelDigest;
import org.qcal.runtime.ModelSignature;
import org.qcal.runtime.ModelSource;
import org.qcal.runtime.RuntimeOptions;
import org.qcal.runtime.SessionCache;

/**
 * An ONNX model as a Spark ML transformer: the int8 QDQ model that {@link QuantizationCalibrator}
 * fitted, or any ONNX model ({@link #fp32}, {@link #withModel}), so that FP32 and int8 run the
 * same way and Spark's evaluators compare them.
 *
 * <p>{@link #transform} runs the model on the executors: its bytes are broadcast once per model
 * and Spark context; each executor JVM loads one ONNX Runtime session per model digest and keeps
 * it (quant-core's {@code SessionCache}: not one per partition), each task feeds it batches of
 * {@code batchSize} rows ({@link InferenceParams}). Each row keeps its columns and order and gains
 * the fetched outputs ({@code fetchDict}, {@code array<float>}, or {@code array<bigint>} for
 * int64 outputs) and optionally {@code argmaxCol} ({@code int}) and {@code softmaxCol} ({@code
 * array<float>}). ONNX Runtime runs as {@code validate} runs it: all graph optimizations, {@code
 * spark.task.cpus} intra-op threads.
 *
 * <p>{@link #transformSchema} checks the feed columns (present, numbers of the input's element
 * type, vector sizes their ML attributes state) and the outputs, and fails with a message that
 * names the column or output. A row whose values do not fit the input (length, null) fails the
 * task with a {@link QcalException} naming the row and the column.
 *
 * <p>{@link #write()} stores Spark ML's metadata (the params) and, under {@code data/}, the
 * model ({@code model.onnx}) and, when qcal calibrated it, {@code calibration.json}, through
 * Hadoop's FileSystem (local paths, {@code hdfs://}); {@link #load} gives back the same bytes
 * and params, and refuses a folder whose model is not the export its calibration.json chose.
 */
public final class QuantizedOnnxModel extends Model<QuantizedOnnxModel>
    implements InferenceParams<QuantizedOnnxModel>, MLWritable {
  private static final long serialVersionUID = 1L;

  /** The model file under the saved folder's {@code data/}. */
  public static final String MODEL_FILE = "model.onnx";

  private final String uid;
  private final Fields fields;
  private final byte[] model;
  private final String sha256;
  private final transient CalibrationResult calibration;
  private final byte[] calibrationJson;
  private transient ModelSignature signature;
  private transient Broadcast<byte[]> broadcast;
  private transient SparkContext broadcastContext;

  QuantizedOnnxModel(String uid, byte[] model, CalibrationResult calibration,
      byte[] calibrationJson) {
    this.uid = uid;
    this.fields = new Fields(this);
    this.model = model;
    this.sha256 = ModelDigest.sha256Hex(model);
    this.calibration = calibration;
    this.calibrationJson = calibration != null ? CalibrationJson.write(calibration)
        : calibrationJson;
  }

  /** The int8 model a calibration chose, with the calibration. */
  static QuantizedOnnxModel calibrated(String uid, CalibrationResult calibration) {
    return new QuantizedOnnxModel(uid, calibration.quantizedModel(), calibration, null);
  }

  /** A transformer running {@code onnx} (e.g. the FP32 model), default params. */
  public static QuantizedOnnxModel fp32(byte[] onnx) {
    if (onnx == null || onnx.length == 0) {
      throw new QcalException("fp32: the model bytes are empty");
    }
    return new QuantizedOnnxModel(Identifiable.randomUID("qcalOnnxModel"), onnx.clone(), null,
        null);
  }

  /**
   * A transformer running {@code onnx} with this one's params (feed, fetch, batch size, argmax,
   * softmax): e.g. the FP32 model this one was calibrated from, to compare the two.
   */
  public QuantizedOnnxModel withModel(byte[] onnx) {
    return copyValues(fp32(onnx), ParamMap.empty());
  }

  @Override
  public String uid() {
    return uid;
  }

  @Override
  public Fields inferenceFields() {
    return fields;
  }

  /** The ONNX model this transformer runs (a copy). */
  public byte[] modelBytes() {
    return model.clone();
  }

  /** The SHA-256 of {@link #modelBytes()}. */
  public String modelSha256() {
    return sha256;
  }

  /** Whether qcal calibrated this model (it has a calibration.json). */
  public boolean isCalibrated() {
    return calibrationJson != null;
  }

  /**
   * The calibration that made this model, when it was fitted in this JVM; null after {@link
   * #load} (see {@link #calibrationJson()}) and for a model qcal did not calibrate.
   */
  public CalibrationResult calibration() {
    return calibration;
  }

  /** The calibration.json of this model (a copy), or null when qcal did not calibrate it. */
  public byte[] calibrationJson() {
    return calibrationJson == null ? null : calibrationJson.clone();
  }

  /** The model's inputs and outputs, as ONNX Runtime reports them. */
  public ModelSignature signature() {
    if (signature == null) {
      signature = SessionCache.signature(ModelSource.of(uid, sha256, model),
          runtime(SparkSession.active()));
    }
    return signature;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return InferenceSchema.of(signature(), schema, this).schema();
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    Dataset<Row> rows = dataset.toDF();
    InferenceSchema checked = InferenceSchema.of(signature(), rows.schema(), this);
    SparkSession spark = rows.sparkSession();
    BatchPlan plan = new BatchPlan(checked.bindings(), rows.schema(), getBatchSize(), null,
        InferenceSchema.SOURCE);
    InferencePass pass = new InferencePass(new ModelRef(broadcast(spark), uid, sha256), plan,
        runtime(spark), checked.outputs(), checked.scores(), checked.argmax(),
        checked.softmax());
    return rows.mapPartitions((MapPartitionsFunction<Row, Row>) pass::run,
        Encoders.row(checked.schema()));
  }

  /** The model's bytes broadcast once per Spark context. */
  private synchronized Broadcast<byte[]> broadcast(SparkSession spark) {
    SparkContext sc = spark.sparkContext();
    if (broadcast == null || broadcastContext != sc) {
      broadcast = JavaSparkContext.fromSparkContext(sc).broadcast(model);
      broadcastContext = sc;
    }
    return broadcast;
  }

  /** ONNX Runtime as validate runs it: all graph optimizations, spark.task.cpus threads. */
  static RuntimeOptions runtime(SparkSession spark) {
    return ValidateJob.runtimeOptions(spark.sparkContext().getConf().getInt("spark.task.cpus", 1));
  }

  @Override
  public QuantizedOnnxModel copy(ParamMap extra) {
    QuantizedOnnxModel copy = new QuantizedOnnxModel(uid, model, calibration, calibrationJson);
    return copyValues(copy, extra).setParent(parent());
  }

  @Override
  public MLWriter write() {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(MODEL_FILE, model);
    files.put(CalibrationFile.FILE, calibrationJson);
    return StageFiles.writer(this, files);
  }

  public static MLReader<QuantizedOnnxModel> read() {
    return StageFiles.reader(QuantizedOnnxModel.class, (uid, where, files) -> {
      byte[] model = files.apply(MODEL_FILE);
      if (model == null) {
        throw new QcalException(where + ": no " + StageFiles.DATA + "/" + MODEL_FILE);
      }
      byte[] json = files.apply(CalibrationFile.FILE);
      if (json != null) {
        requireChosen(CalibrationFile.parse(json, where + "/" + StageFiles.DATA + "/"
            + CalibrationFile.FILE), model, where);
      }
      return new QuantizedOnnxModel(uid, model, null, json);
    });
  }

  public static QuantizedOnnxModel load(String path) {
    return read().load(path);
  }

  /** The model must be the export its calibration.json chose. */
  private static void requireChosen(CalibrationFile file, byte[] model, String where) {
    String sha = ModelDigest.sha256Hex(model);
    String chosen = file.exports().stream().filter(e -> e.name().equals(file.chosen()))
        .map(CalibrationFile.StoredExport::sha256).findFirst().orElse(null);
    if (!sha.equals(chosen)) {
      throw new QcalException(where + ": " + StageFiles.DATA + "/" + MODEL_FILE + " has sha256 "
          + sha + ", but the export its " + CalibrationFile.FILE + " chose ('" + file.chosen()
          + "') has " + chosen + ": the files do not belong together");
    }
  }

  @Override
  public String toString() {
    return "QuantizedOnnxModel: uid=" + uid + ", sha256=" + ModelDigest.shortForm(sha256)
        + (isCalibrated() ? ", calibrated by qcal" : "");
  }

}
