package org.qcal.jobs.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qcal.QcalException;
import org.qcal.jobs.JobsTestSpark;
import org.qcal.jobs.TestPaths;
import org.qcal.jobs.api.BadArgument;
import org.qcal.jobs.io.CalibrationJson;
import org.qcal.jobs.validate.ValidateJob;
import org.qcal.metrics.TopK;
import org.qcal.runtime.ModelOutputs;
import org.qcal.runtime.ModelRunner;
import org.qcal.runtime.ModelSource;
import org.qcal.runtime.SessionCache;

/**
 * The Spark ML stages on the shipped CNN and Fashion-MNIST slice, in qcal's test session (Kryo,
 * registration required): fit, transform, save and load, alone and in a Pipeline; int8 output
 * against ONNX Runtime run directly; FP32 against int8 through Spark's evaluator; and the
 * messages of bad params.
 */
class SparkMlTest {
  private static final int BATCH = 64;

  private static SparkSession spark;
  private static byte[] cnn;
  private static Dataset<Row> slice;
  private static QuantizedOnnxModel int8;
  @TempDir static Path tmp;

  @BeforeAll
  static void start() throws Exception {
    spark = JobsTestSpark.startWith("SparkMlTest", "local[2]");
    cnn = Files.readAllBytes(Path.of(TestPaths.model("cnn.onnx")));
    slice = spark.read().parquet(TestPaths.slice()).cache();
    int8 = calibrator().fit(slice.limit(500));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** minmax only, fixed: one pass, quick; the FP32 model as bytes. */
  private static QuantizationCalibrator calibrator() {
    return new QuantizationCalibrator()
        .setModelBytes(cnn)
        .setMethods(new String[] {"minmax"})
        .setChoose("minmax")
        .setBatchSize(BATCH)
        .setFeedDict(Map.of("input", "pixels"))
        .setFetchDict(Map.of("logits", "logits"))
        .setArgmaxCol("prediction")
        .setSoftmaxCol("probability");
  }

  /** Rows 1000.. of the slice: not among the 500 calibrated on. */
  private static Dataset<Row> heldOut(int rows) {
    return slice.offset(1000).limit(rows);
  }

  @Test
  void fitTransformSaveAndLoadGiveTheSameModelAndRows() throws Exception {
    assertTrue(int8.isCalibrated());
    assertEquals("minmax", int8.calibration().chosen().name());
    assertEquals(500, int8.calibration().samples());
    assertArrayEquals(int8.calibration().quantizedModel(), int8.modelBytes());
    assertEquals(Map.of("input", "pixels"), int8.getFeedDict(), "the estimator's params");
    assertEquals("prediction", int8.getArgmaxCol());
    assertEquals(BATCH, int8.getBatchSize());

    Dataset<Row> rows = heldOut(200).repartition(3);
    Dataset<Row> out = int8.transform(rows);
    StructType expected = rows.schema()
        .add("logits", DataTypes.createArrayType(DataTypes.FloatType, false), false)
        .add("prediction", DataTypes.DoubleType, false)
        .add("probability", DataTypes.createArrayType(DataTypes.FloatType, false), false);
    assertEquals(expected, out.schema());
    assertEquals(expected, int8.transformSchema(rows.schema()));
    List<Row> scored = out.collectAsList();
    assertEquals(200, scored.size());
    for (Row r : scored) {
      float[] logits = floats(r, "logits");
      assertEquals(10, logits.length);
      assertEquals((double) TopK.argmax(logits, 0, 10), r.<Double>getAs("prediction"));
      double sum = 0;
      for (float p : floats(r, "probability")) {
        sum += p;
      }
      assertEquals(1.0, sum, 1e-5);
    }
    int8.transform(rows).count();
    assertEquals(1, SessionCache.loadCount(int8.modelSha256()),
        "one session per JVM for the model, whatever the partitions and transforms");

    String saved = tmp.resolve("int8-model").toString();
    int8.write().save(saved);
    QuantizedOnnxModel loaded = QuantizedOnnxModel.load(saved);
    assertEquals(int8.uid(), loaded.uid());
    assertArrayEquals(int8.modelBytes(), loaded.modelBytes());
    assertArrayEquals(CalibrationJson.write(int8.calibration()), loaded.calibrationJson());
    assertNull(loaded.calibration(), "after load: calibration.json, not the result object");
    assertEquals(StageParams.text(int8), StageParams.text(loaded));
    assertEquals(sorted(out), sorted(loaded.transform(rows)), "identical rows after load");

    String estimator = tmp.resolve("calibrator").toString();
    QuantizationCalibrator calibrator = calibrator().setExcludeOpTypes(new String[] {"Gemm"})
        .setActivationType("int8").setSymmetricActivations(true);
    calibrator.write().save(estimator);
    QuantizationCalibrator back = QuantizationCalibrator.load(estimator);
    assertEquals(calibrator.uid(), back.uid());
    assertArrayEquals(cnn, back.getModelBytes(), "modelBytes as data/model.onnx");
    assertEquals(calibrator.recipe(), back.recipe());
    assertEquals(StageParams.text(calibrator, "modelBytes"),
        StageParams.text(back, "modelBytes"));
    assertTrue(Files.exists(Path.of(estimator, "data", QuantizedOnnxModel.MODEL_FILE)));
    assertTrue(!Files.readString(Files.list(Path.of(estimator, "metadata"))
        .filter(p -> p.getFileName().toString().startsWith("part-")).findFirst().orElseThrow())
        .contains("modelBytes"), "the model is not a JSON line in the metadata");
  }

  @Test
  void int8OutputsAreOnnxRuntimesOnTheSameBatchesBitForBit() {
    // One partition of 200 rows: batches of 64, 64, 64, 8, as fed below.
    List<Row> scored = int8.transform(heldOut(200).coalesce(1)).collectAsList();
    try (ModelRunner runner = ModelRunner.open(ModelSource.of("int8", int8.modelBytes()),
        ValidateJob.runtimeOptions(1))) {
      for (int start = 0; start < scored.size(); start += BATCH) {
        int n = Math.min(BATCH, scored.size() - start);
        float[] batch = new float[n * 784];
        for (int r = 0; r < n; r++) {
          System.arraycopy(floats(scored.get(start + r), "pixels"), 0, batch, r * 784, 784);
        }
        ModelOutputs direct = runner.setFloats("input", batch, n, 1, 28, 28).run();
        float[] logits = direct.floats("logits");
        for (int r = 0; r < n; r++) {
          float[] got = floats(scored.get(start + r), "logits");
          for (int c = 0; c < 10; c++) {
            assertEquals(Float.floatToRawIntBits(logits[r * 10 + c]),
                Float.floatToRawIntBits(got[c]), "row " + (start + r) + " class " + c);
          }
        }
      }
    }
  }

  @Test
  void int8AccuracyIsWithinTwoPointsOfFp32ThroughSparksEvaluator() {
    Dataset<Row> rows = heldOut(500);
    QuantizedOnnxModel fp32 = int8.withModel(cnn);
    assertEquals(int8.getFetchDict(), fp32.getFetchDict());
    // argmaxCol is a double column, the prediction type Spark's evaluators take.
    MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator()
        .setLabelCol("label").setPredictionCol("prediction").setMetricName("accuracy");
    double fp32Accuracy = accuracy.evaluate(fp32.transform(rows));
    double int8Accuracy = accuracy.evaluate(int8.transform(rows));
    assertTrue(fp32Accuracy > 0.85, "FP32 accuracy " + fp32Accuracy);
    assertTrue(Math.abs(fp32Accuracy - int8Accuracy) <= 0.02,
        "int8 " + int8Accuracy + " vs FP32 " + fp32Accuracy);
  }

  @Test
  void aPipelineWithAStageBeforeSavesLoadsAndTransformsIdentically() throws Exception {
    Dataset<Row> raw = slice.limit(300).withColumnRenamed("pixels", "raw");
    SQLTransformer toDoubles = new SQLTransformer().setStatement(
        "SELECT *, transform(raw, x -> CAST(x AS DOUBLE)) AS features FROM __THIS__");
    QuantizationCalibrator calibrator = calibrator().setFeedDict(Map.of("input", "features"));
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {toDoubles, calibrator});

    String unfitted = tmp.resolve("pipeline").toString();
    pipeline.write().save(unfitted);
    PipelineStage[] stages = Pipeline.load(unfitted).getStages();
    assertEquals(StageParams.text(calibrator, "modelBytes"),
        StageParams.text((QuantizationCalibrator) stages[1], "modelBytes"));

    PipelineModel fitted = pipeline.fit(raw);
    Dataset<Row> test = heldOut(150).withColumnRenamed("pixels", "raw");
    Dataset<Row> out = fitted.transform(test);
    assertTrue(Arrays.asList(out.columns()).containsAll(List.of("features", "logits",
        "prediction", "probability")));
    String saved = tmp.resolve("pipeline-model").toString();
    fitted.write().save(saved);
    PipelineModel loaded = PipelineModel.load(saved);
    QuantizedOnnxModel stage = (QuantizedOnnxModel) loaded.stages()[1];
    assertArrayEquals(((QuantizedOnnxModel) fitted.stages()[1]).modelBytes(), stage.modelBytes());
    assertEquals(sorted(out), sorted(loaded.transform(test)));
  }

  @Test
  void badFeedsFailInTransformSchemaNamingTheColumn() {
    QuantizedOnnxModel missing = int8.copy(ParamMap.empty())
        .setFeedDict(Map.of("input", "image"));
    QcalException e = assertThrows(QcalException.class,
        () -> missing.transformSchema(slice.schema()));
    assertEquals("column 'image' not found in the given Dataset<Row> (columns: pixels"
        + " array<float>, label int); needed by input 'input' [?,1,28,28]", e.getMessage());

    StructType strings = new StructType()
        .add("pixels", DataTypes.createArrayType(DataTypes.StringType), false);
    e = assertThrows(QcalException.class, () -> int8.transformSchema(strings));
    assertEquals("column 'pixels' of the given Dataset<Row> is array<string>, not a tensor;"
        + " input 'input' [?,1,28,28] needs array<float|double|int|bigint>, vector or binary"
        + " (raw float32 little-endian)", e.getMessage());

    StructType vectors = new StructType(new org.apache.spark.sql.types.StructField[] {
        new AttributeGroup("pixels", 783).toStructField()});
    e = assertThrows(QcalException.class, () -> int8.transformSchema(vectors));
    assertEquals("column 'pixels' of the given Dataset<Row> holds vectors of 783 values (its ML"
        + " attributes say), input 'input' [?,1,28,28] needs 784", e.getMessage());

    BadArgument input = assertThrows(BadArgument.class, () -> int8.copy(ParamMap.empty())
        .setFeedDict(Map.of("image", "pixels")).transformSchema(slice.schema()));
    assertEquals("feedDict image=pixels: the model has no input 'image' (inputs: input)",
        input.getMessage());
    BadArgument output = assertThrows(BadArgument.class, () -> int8.copy(ParamMap.empty())
        .setFetchDict(Map.of("scores", "s")).transformSchema(slice.schema()));
    assertEquals("fetchDict names output 'scores', which the model does not have (outputs:"
        + " logits)", output.getMessage());
    BadArgument taken = assertThrows(BadArgument.class, () -> int8.copy(ParamMap.empty())
        .setArgmaxCol("label").transformSchema(slice.schema()));
    assertEquals("argmaxCol column 'label' is already in the Dataset (or named twice); choose"
        + " another name", taken.getMessage());
    QuantizationCalibrator noModel = new QuantizationCalibrator();
    assertEquals("modelPath or modelBytes is needed: the FP32 ONNX model", assertThrows(
        BadArgument.class, () -> noModel.fit(slice)).getMessage());
    assertEquals("batchSize must be >= 1, got 0", assertThrows(BadArgument.class,
        () -> noModel.setBatchSize(0)).getMessage());
    assertEquals("activationType must be one of [uint8, int8, uint16, int16], got int4",
        assertThrows(QcalException.class, () -> noModel.setActivationType("int4"))
            .getMessage());
    assertEquals("smoothQuantAlpha must be in (0, 1], got 0.0", assertThrows(BadArgument.class,
        () -> noModel.setSmoothQuantAlpha(0)).getMessage());
    assertEquals(0.5, noModel.getSmoothQuantAlpha());
    assertEquals(false, noModel.getSmoothQuant());
  }

  @Test
  void aRowOfTheWrongLengthFailsTheTransformNamingRowAndColumn() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      List<Float> pixels = new ArrayList<>();
      for (int p = 0; p < (i == 1 ? 783 : 784); p++) {
        pixels.add(0.5f);
      }
      rows.add(RowFactory.create(pixels));
    }
    StructType schema = new StructType()
        .add("pixels", DataTypes.createArrayType(DataTypes.FloatType, false), false);
    Dataset<Row> data = spark.createDataFrame(rows, schema).coalesce(1);
    Exception e = assertThrows(Exception.class, () -> int8.transform(data).collectAsList());
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof QcalException) {
        assertEquals("data the given Dataset<Row> row 1 of partition 0: column 'pixels' has 783"
            + " values, input 'input' [?,1,28,28] needs 784", t.getMessage());
        return;
      }
    }
    fail("no QcalException in " + e);
  }

  private static float[] floats(Row row, String column) {
    List<Float> list = row.getList(row.fieldIndex(column));
    float[] values = new float[list.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = list.get(i);
    }
    return values;
  }

  /** The rows as text, sorted: a transform's result whatever the order of partitions. */
  private static List<String> sorted(Dataset<Row> rows) {
    List<String> text = new ArrayList<>();
    for (Row r : rows.collectAsList()) {
      text.add(r.toString());
    }
    text.sort(null);
    return text;
  }
}
