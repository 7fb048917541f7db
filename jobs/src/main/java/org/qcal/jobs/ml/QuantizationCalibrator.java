package org.qcal.jobs.ml;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.qcal.calib.CalibrationMethod;
import org.qcal.jobs.api.BadArgument;
import org.qcal.jobs.api.CalibrateSettings;
import org.qcal.jobs.api.CalibrationRun;
import org.qcal.jobs.api.Defaults;
import org.qcal.jobs.api.ExportChoice;
import org.qcal.jobs.api.InputModel;
import org.qcal.jobs.api.Recipe;
import org.qcal.onnx.QdqExporter;
import org.qcal.onnx.WeightQuantization;
import org.qcal.quant.QuantType;
import org.qcal.runtime.ModelSignature;
import org.qcal.runtime.ModelSource;
import org.qcal.runtime.SessionCache;

/**
 * qcal's calibration as a Spark ML estimator: {@link #fit} runs the distributed calibration
 * passes (docs/DESIGN.md "Data flow of calibrate") over the Dataset it is given, no path re-read
 * and no output folder, and returns a {@link QuantizedOnnxModel} holding the chosen int8 QDQ
 * model and the {@link org.qcal.jobs.api.CalibrationResult}, with this estimator's {@link
 * InferenceParams} (feed, fetch, batch size, argmax, softmax).
 *
 * <pre>{@code
 * QuantizedOnnxModel int8 = new QuantizationCalibrator()
 *     .setModelPath("hdfs:///models/cnn.onnx")
 *     .setFeedDict(Map.of("input", "pixels"))
 *     .setMethods(new String[] {"minmax", "mse"})
 *     .setArgmaxCol("prediction")
 *     .fit(calibrationRows);
 * Dataset<Row> scored = int8.transform(testRows);
 * }</pre>
 *
 * <p>Params, their defaults those of {@link Defaults} (the bundled qcal.conf, as the command
 * line's): {@code modelPath} (any Hadoop file system) or {@code modelBytes}, one of them;
 * {@code methods}; {@code percentile}; {@code activationType}; {@code weightType}; {@code
 * symmetricActivations}; {@code perChannel}; {@code excludeNodes} and {@code excludeOpTypes}
 * (kept in float); {@code choose} (a method id or {@code auto}) and {@code chooseRows};
 * {@code biasCorrection}; {@code smoothQuant} and {@code smoothQuantAlpha}; {@code
 * weightBlockSize}; {@code tensorOverrides} (JSON text in ONNX Runtime's TensorQuantOverrides
 * form, as {@code --tensor-overrides}' file; default {@code {}}); and the
 * {@link InferenceParams}. Setters refuse a value out of its domain with a {@link BadArgument}
 * naming the param; {@code fit} checks values set any other way (a {@code ParamMap}, a load).
 *
 * <p>{@link #write()} stores the params as Spark ML metadata and {@code modelBytes}, when set,
 * as {@code data/model.onnx} beside it (never inside the JSON); {@link #load} reads both back.
 */
public final class QuantizationCalibrator extends Estimator<QuantizedOnnxModel>
    implements InferenceParams<QuantizationCalibrator>, MLWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final Fields fields;
  private final Param<String> modelPath;
  private final BytesParam modelBytes;
  private final StringArrayParam methods;
  private final DoubleParam percentile;
  private final Param<String> activationType;
  private final Param<String> weightType;
  private final BooleanParam symmetricActivations;
  private final BooleanParam perChannel;
  private final StringArrayParam excludeNodes;
  private final StringArrayParam excludeOpTypes;
  private final Param<String> choose;
  private final IntParam chooseRows;
  private final BooleanParam biasCorrection;
  private final BooleanParam smoothQuant;
  private final DoubleParam smoothQuantAlpha;
  private final Param<String> tensorOverrides;
  private final IntParam weightBlockSize;
  /** The FP32 model's signature, and what it was read from (a path, or the bytes). */
  private transient ModelSignature signature;
  private transient Object signatureOf;

  public QuantizationCalibrator() {
    this(Identifiable.randomUID("qcalCalibrator"));
  }

  public QuantizationCalibrator(String uid) {
    this.uid = uid;
    this.fields = new Fields(this);
    modelPath = new Param<>(this, "modelPath", "the FP32 ONNX model on any Hadoop file system"
        + " (or modelBytes)");
    modelBytes = new BytesParam(this, "modelBytes", "the FP32 ONNX model's bytes, weights"
        + " inside (or modelPath)");
    methods = new StringArrayParam(this, "methods", "calibration methods computed from the same"
        + " statistics: " + Arrays.toString(ids(CalibrationMethod.values())));
    percentile = new DoubleParam(this, "percentile", "the percentile method's share of values"
        + " kept, in (0, 100]", ParamValidators.inRange(0, 100, false, true));
    activationType = new Param<>(this, "activationType", "type of quantized activations: "
        + QdqExporter.ACTIVATION_TYPES);
    weightType = new Param<>(this, "weightType", "type of quantized weights: "
        + WeightQuantization.TYPES);
    symmetricActivations = new BooleanParam(this, "symmetricActivations",
        "symmetric activation ranges (zero point in the middle)");
    perChannel = new BooleanParam(this, "perChannel", "weights per output channel");
    excludeNodes = new StringArrayParam(this, "excludeNodes", "node names kept in float");
    excludeOpTypes = new StringArrayParam(this, "excludeOpTypes", "op types kept in float");
    choose = new Param<>(this, "choose", "the method exported, or auto: the highest output"
        + " SQNR against FP32 on a sample of the rows");
    chooseRows = new IntParam(this, "chooseRows", "about how many rows auto compares on",
        ParamValidators.gtEq(1));
    biasCorrection = new BooleanParam(this, "biasCorrection", "fold each quantized Conv's and"
        + " Gemm's mean output shift under weight quantization into its bias");
    tensorOverrides = new Param<>(this, "tensorOverrides", "per-tensor overrides of"
        + " activations, JSON in ONNX Runtime's TensorQuantOverrides form");
    setDefault(tensorOverrides, "{}");
    weightBlockSize = new IntParam(this, "weightBlockSize", "4-bit weights: values along K per"
        + " block, a power of two in [16, 256]");
    setDefault(weightBlockSize, Defaults.WEIGHT_BLOCK_SIZE);
    setDefault(biasCorrection, Defaults.BIAS_CORRECTION);
    smoothQuant = new BooleanParam(this, "smoothQuant", "SmoothQuant: scale the channels of each"
        + " MatMul/Gemm input written by a LayerNorm into the weights before calibrating");
    smoothQuantAlpha = new DoubleParam(this, "smoothQuantAlpha", "SmoothQuant's migration"
        + " strength, in (0, 1]", ParamValidators.inRange(0, 1, false, true));
    setDefault(smoothQuant, Defaults.SMOOTH_QUANT);
    setDefault(smoothQuantAlpha, Defaults.SMOOTH_QUANT_ALPHA);
    setDefault(methods, ids(Defaults.METHODS.toArray(new CalibrationMethod[0])));
    setDefault(percentile, Defaults.PERCENTILE);
    setDefault(activationType, Defaults.ACTIVATION_TYPE.toString());
    setDefault(weightType, Defaults.WEIGHT_TYPE.toString());
    setDefault(symmetricActivations, Defaults.SYMMETRIC_ACTIVATIONS);
    setDefault(perChannel, Defaults.PER_CHANNEL);
    setDefault(excludeNodes, new String[0]);
    setDefault(excludeOpTypes, new String[0]);
    setDefault(choose, Defaults.CHOOSE.id());
    setDefault(chooseRows, Defaults.CHOOSE.sampleRows());
  }

  private static String[] ids(CalibrationMethod[] list) {
    return Arrays.stream(list).map(CalibrationMethod::id).toArray(String[]::new);
  }

  @Override
  public String uid() {
    return uid;
  }

  @Override
  public Fields inferenceFields() {
    return fields;
  }

  public Param<String> modelPath() {
    return modelPath;
  }

  public BytesParam modelBytes() {
    return modelBytes;
  }

  public StringArrayParam methods() {
    return methods;
  }

  public DoubleParam percentile() {
    return percentile;
  }

  public Param<String> activationType() {
    return activationType;
  }

  public Param<String> weightType() {
    return weightType;
  }

  public BooleanParam symmetricActivations() {
    return symmetricActivations;
  }

  public BooleanParam perChannel() {
    return perChannel;
  }

  public BooleanParam biasCorrection() {
    return biasCorrection;
  }

  public BooleanParam smoothQuant() {
    return smoothQuant;
  }

  public DoubleParam smoothQuantAlpha() {
    return smoothQuantAlpha;
  }

  public StringArrayParam excludeNodes() {
    return excludeNodes;
  }

  public StringArrayParam excludeOpTypes() {
    return excludeOpTypes;
  }

  public Param<String> choose() {
    return choose;
  }

  public IntParam chooseRows() {
    return chooseRows;
  }

  /** The FP32 model's path on any Hadoop file system (clears modelBytes). */
  public QuantizationCalibrator setModelPath(String path) {
    if (path == null || path.isBlank()) {
      throw new BadArgument("modelPath", "must not be empty");
    }
    clear(modelBytes);
    set(modelPath, path);
    return this;
  }

  /** The FP32 model's bytes, weights inside (clears modelPath). */
  public QuantizationCalibrator setModelBytes(byte[] onnx) {
    if (onnx == null || onnx.length == 0) {
      throw new BadArgument("modelBytes", "must not be empty");
    }
    clear(modelPath);
    set(modelBytes, onnx.clone());
    return this;
  }

  /** Method ids: minmax, averageminmax, percentile, entropy, mse. */
  public QuantizationCalibrator setMethods(String[] ids) {
    parseMethods(ids);
    set(methods, ids.clone());
    return this;
  }

  public QuantizationCalibrator setPercentile(double share) {
    Recipe.builder().percentile(share);
    set(percentile, share);
    return this;
  }

  public QuantizationCalibrator setActivationType(String type) {
    QuantType.parse(type, QdqExporter.ACTIVATION_TYPES, "activationType");
    set(activationType, type);
    return this;
  }

  public QuantizationCalibrator setWeightType(String type) {
    QuantType.parse(type, WeightQuantization.TYPES, "weightType");
    set(weightType, type);
    return this;
  }

  public QuantizationCalibrator setSymmetricActivations(boolean on) {
    set(symmetricActivations, on);
    return this;
  }

  public QuantizationCalibrator setPerChannel(boolean on) {
    set(perChannel, on);
    return this;
  }

  public QuantizationCalibrator setBiasCorrection(boolean on) {
    set(biasCorrection, on);
    return this;
  }

  public QuantizationCalibrator setSmoothQuant(boolean on) {
    set(smoothQuant, on);
    return this;
  }

  public QuantizationCalibrator setSmoothQuantAlpha(double alpha) {
    CalibrateSettings.builder().smoothQuantAlpha(alpha);
    set(smoothQuantAlpha, alpha);
    return this;
  }

  public QuantizationCalibrator setExcludeNodes(String[] names) {
    set(excludeNodes, names.clone());
    return this;
  }

  public QuantizationCalibrator setExcludeOpTypes(String[] opTypes) {
    Recipe.builder().floatOpTypes(List.of(opTypes)); // refuses unknown op types
    set(excludeOpTypes, opTypes.clone());
    return this;
  }

  /** A method id, or {@code auto}. */
  public QuantizationCalibrator setChoose(String methodOrAuto) {
    ExportChoice.parse(methodOrAuto, 1);
    set(choose, methodOrAuto);
    return this;
  }

  /** JSON in ONNX Runtime's TensorQuantOverrides form, e.g. {@code {"x": [{"rmax": 6}]}}. */
  public QuantizationCalibrator setTensorOverrides(String json) {
    parseOverrides(json);
    set(tensorOverrides, json);
    return this;
  }

  public QuantizationCalibrator setWeightBlockSize(int size) {
    Recipe.builder().weightBlockSize(size); // refuses what the kernels do not take
    set(weightBlockSize, size);
    return this;
  }

  public int getWeightBlockSize() {
    return (Integer) getOrDefault(weightBlockSize);
  }

  public IntParam weightBlockSize() {
    return weightBlockSize;
  }

  public String getTensorOverrides() {
    return getOrDefault(tensorOverrides);
  }

  public Param<String> tensorOverrides() {
    return tensorOverrides;
  }

  private static java.util.Map<String, org.qcal.jobs.api.TensorOverride> parseOverrides(
      String json) {
    return org.qcal.jobs.io.TensorOverridesJson.parse(
        json.getBytes(java.nio.charset.StandardCharsets.UTF_8), "tensorOverrides");
  }

  public QuantizationCalibrator setChooseRows(int rows) {
    set(chooseRows, BadArgument.atLeast("chooseRows", rows, 1));
    return this;
  }

  public String getModelPath() {
    return isDefined(modelPath) ? getOrDefault(modelPath) : null;
  }

  /** The model's bytes (not a copy), or null when the model is a path. */
  public byte[] getModelBytes() {
    return isDefined(modelBytes) ? getOrDefault(modelBytes) : null;
  }

  public String[] getMethods() {
    return getOrDefault(methods);
  }

  public double getPercentile() {
    return (Double) getOrDefault(percentile);
  }

  public String getActivationType() {
    return getOrDefault(activationType);
  }

  public String getWeightType() {
    return getOrDefault(weightType);
  }

  public boolean getSymmetricActivations() {
    return (Boolean) getOrDefault(symmetricActivations);
  }

  public boolean getPerChannel() {
    return (Boolean) getOrDefault(perChannel);
  }

  public boolean getBiasCorrection() {
    return (Boolean) getOrDefault(biasCorrection);
  }

  public boolean getSmoothQuant() {
    return (Boolean) getOrDefault(smoothQuant);
  }

  public double getSmoothQuantAlpha() {
    return (Double) getOrDefault(smoothQuantAlpha);
  }

  public String[] getExcludeNodes() {
    return getOrDefault(excludeNodes);
  }

  public String[] getExcludeOpTypes() {
    return getOrDefault(excludeOpTypes);
  }

  public String getChoose() {
    return getOrDefault(choose);
  }

  public int getChooseRows() {
    return (Integer) getOrDefault(chooseRows);
  }

  /** The recipe every method's export shares, from the params. */
  public Recipe recipe() {
    return Recipe.builder()
        .percentile(getPercentile())
        .activationType(QuantType.parse(getActivationType(), QdqExporter.ACTIVATION_TYPES,
            "activationType"))
        .weightType(QuantType.parse(getWeightType(), WeightQuantization.TYPES, "weightType"))
        .symmetricActivations(getSymmetricActivations())
        .perChannel(getPerChannel())
        .weightBlockSize(getWeightBlockSize())
        .floatNodes(List.of(getExcludeNodes()))
        .floatOpTypes(List.of(getExcludeOpTypes()))
        .tensorOverrides(parseOverrides(getTensorOverrides()))
        .build();
  }

  /**
   * Calibrates on {@code dataset} (its rows as they are: no re-read, nothing written) and
   * returns the chosen int8 model with the calibration and this estimator's inference params.
   */
  @Override
  public QuantizedOnnxModel fit(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    CalibrateSettings.Builder settings = CalibrateSettings.builder()
        .data(dataset.toDF())
        .methods(parseMethods(getMethods()))
        .recipe(recipe())
        .choose(ExportChoice.parse(getChoose(), getChooseRows()))
        .biasCorrection(getBiasCorrection())
        .smoothQuant(getSmoothQuant()).smoothQuantAlpha(getSmoothQuantAlpha())
        .batchSize(getBatchSize());
    byte[] bytes = getModelBytes();
    if (bytes != null) {
      settings.model(modelBytes.name(), bytes);
    } else {
      settings.model(requirePath());
    }
    getFeedDict().forEach(settings::input);
    CalibrationRun run = settings.run(dataset.sparkSession());
    QuantizedOnnxModel model = QuantizedOnnxModel.calibrated(uid, run.calibration());
    return copyValues(model, ParamMap.empty()).setParent(this);
  }

  /** The schema the fitted model's transform gives, after checking the feed columns. */
  @Override
  public StructType transformSchema(StructType schema) {
    return InferenceSchema.of(fp32Signature(), schema, this).schema();
  }

  /** The FP32 model's inputs and outputs (the int8 model has the same). */
  private synchronized ModelSignature fp32Signature() {
    byte[] bytes = getModelBytes();
    Object of = bytes != null ? bytes : requirePath();
    if (signature == null || signatureOf != of && !of.equals(signatureOf)) {
      SparkSession spark = SparkSession.active();
      ModelSource source = bytes != null ? ModelSource.of(modelBytes.name(), bytes)
          : ModelSource.of((String) of, InputModel.path((String) of)
              .load(spark.sparkContext().hadoopConfiguration(), false).model().toByteArray());
      signature = SessionCache.signature(source, QuantizedOnnxModel.runtime(spark));
      signatureOf = of;
    }
    return signature;
  }

  private String requirePath() {
    String path = getModelPath();
    if (path == null) {
      throw new BadArgument("modelPath", "or modelBytes is needed: the FP32 ONNX model");
    }
    return path;
  }

  private static List<CalibrationMethod> parseMethods(String[] ids) {
    if (ids == null || ids.length == 0) {
      throw new BadArgument("methods", "needs at least one method");
    }
    return Arrays.stream(ids).map(CalibrationMethod::parse).toList();
  }

  @Override
  public QuantizationCalibrator copy(ParamMap extra) {
    return (QuantizationCalibrator) defaultCopy(extra);
  }

  /** Params as metadata; modelBytes, when set, as {@code data/model.onnx} beside them. */
  @Override
  public MLWriter write() {
    QuantizationCalibrator params = copy(ParamMap.empty());
    params.clear(params.modelBytes); // a file beside the metadata, not a JSON line
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(QuantizedOnnxModel.MODEL_FILE, getModelBytes());
    return StageFiles.writer(params, files);
  }

  public static MLReader<QuantizationCalibrator> read() {
    return StageFiles.reader(QuantizationCalibrator.class, (uid, where, files) -> {
      QuantizationCalibrator stage = new QuantizationCalibrator(uid);
      byte[] model = files.apply(QuantizedOnnxModel.MODEL_FILE);
      if (model != null) {
        stage.set(stage.modelBytes, model);
      }
      return stage;
    });
  }

  public static QuantizationCalibrator load(String path) {
    return read().load(path);
  }
}
