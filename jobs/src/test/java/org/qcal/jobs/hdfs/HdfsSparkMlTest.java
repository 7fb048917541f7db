package org.qcal.jobs.hdfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qcal.jobs.JobsTestSpark;
import org.qcal.jobs.TestPaths;
import org.qcal.jobs.io.CalibrationJson;
import org.qcal.jobs.ml.QuantizationCalibrator;
import org.qcal.jobs.ml.QuantizedOnnxModel;
import org.qcal.jobs.ml.StageParams;

/**
 * The Spark ML stages against HDFS (a MiniDFSCluster in this JVM): the calibrator reads its
 * FP32 model from {@code hdfs://}, and both stages save there and load back the same bytes and
 * params.
 */
@Tag("cluster")
class HdfsSparkMlTest {
  private static MiniHdfs dfs;
  private static SparkSession spark;
  @TempDir static Path tmp;

  @BeforeAll
  static void start() throws IOException {
    dfs = MiniHdfs.start(tmp.resolve("dfs"));
    dfs.upload(Path.of(TestPaths.model("cnn.onnx")), "/in/cnn.onnx");
    spark = JobsTestSpark.startWith("HdfsSparkMlTest", "local[2]",
        "spark.driver.bindAddress", "127.0.0.1", "spark.hadoop.dfs.replication", "1");
  }

  @AfterAll
  static void stop() {
    MiniHdfs.stop(spark, dfs);
  }

  @Test
  void stagesReadTheModelFromHdfsAndSaveAndLoadThere() throws IOException {
    Dataset<Row> rows = spark.read().parquet(TestPaths.slice()).limit(128);
    QuantizationCalibrator calibrator = new QuantizationCalibrator()
        .setModelPath(dfs.uri() + "/in/cnn.onnx")
        .setMethods(new String[] {"minmax"}).setChoose("minmax")
        .setFeedDict(Map.of("input", "pixels")).setArgmaxCol("prediction");
    QuantizedOnnxModel int8 = calibrator.fit(rows);
    assertEquals(dfs.uri() + "/in/cnn.onnx", int8.calibration().modelPath());

    calibrator.write().save(dfs.uri() + "/ml/calibrator");
    QuantizationCalibrator calibratorBack = QuantizationCalibrator.load(dfs.uri()
        + "/ml/calibrator");
    assertEquals(StageParams.text(calibrator), StageParams.text(calibratorBack));

    int8.write().save(dfs.uri() + "/ml/int8");
    assertEquals(List.of("data", "metadata"), dfs.names("/ml/int8"));
    assertEquals(List.of("calibration.json", "model.onnx"), dfs.names("/ml/int8/data"));
    QuantizedOnnxModel back = QuantizedOnnxModel.load(dfs.uri() + "/ml/int8");
    assertArrayEquals(int8.modelBytes(), back.modelBytes());
    assertArrayEquals(CalibrationJson.write(int8.calibration()), back.calibrationJson());
    assertEquals(StageParams.text(int8), StageParams.text(back));
    assertEquals(int8.transform(rows).collectAsList(), back.transform(rows).collectAsList());
  }
}
