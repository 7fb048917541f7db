package org.qcal.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qcal.jobs.api.CalibrationRun;
import org.qcal.jobs.api.ValidateSettings;
import org.qcal.jobs.api.ValidationRun;
import org.qcal.jobs.validate.CandidateResult;
import org.qcal.onnx.CorpusFolder;

/**
 * SmoothQuant end to end on the corpus ViT with LayerNormalization ops (vit_op17_init: two
 * pre-LN blocks of width 48, FFN 96). Its four LayerNorm outputs feed the Q, K and V projections
 * (one site of three MatMuls) and fc1 (one of one); nothing else reads them but Shape, so no Mul
 * is added. The per-channel maxima are exact, so the outputs do not depend on the partitioning;
 * calibration.json stores the scales, so validate rebuilds the smoothed exports byte for byte.
 * Tagged "corpus": it reads the corpus of tools/corpus ({@link CorpusFolder}).
 */
@Tag("corpus")
class SmoothQuantJobTest {
  private static SparkSession spark;
  @TempDir static Path tmp;
  private static String model;
  private static String calibPath;
  private static Dataset<Row> heldOut;

  @BeforeAll
  static void start() {
    Path corpus = CorpusFolder.ensure();
    model = corpus.resolve("models/vit_op17_init.onnx").toString();
    calibPath = corpus.resolve("data/fmnist_calib.jsonl").toString();
    spark = JobsTestSpark.start("SmoothQuantJobTest", 1);
    heldOut = spark.read().json(corpus.resolve("data/fmnist_heldout.jsonl").toString())
        .limit(200);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static CalibrationRun calibrate(Dataset<Row> rows, boolean smooth, String out) {
    return TestRuns.calibrate(model, calibPath, List.of("minmax"), "minmax", 64).data(rows)
        .input("input", "input").smoothQuant(smooth).output(tmp.resolve(out).toString())
        .run(spark);
  }

  private static Dataset<Row> calibrationRows() {
    return spark.read().json(calibPath).limit(256);
  }

  @Test
  void outputsAreByteIdenticalWhateverThePartitioning() throws Exception {
    calibrate(calibrationRows().coalesce(1), true, "one");
    calibrate(calibrationRows().repartition(5), true, "five");
    for (String file : List.of("calibration.json", "model.int8.onnx")) {
      assertArrayEquals(Files.readAllBytes(tmp.resolve("one").resolve(file)),
          Files.readAllBytes(tmp.resolve("five").resolve(file)), file);
    }
    JsonNode json = OutputFiles.json(tmp.resolve("one"));
    assertTrue(json.at("/settings/smoothQuant").asBoolean());
    assertEquals(0.5, json.at("/smoothQuant/alpha").asDouble());
    List<Integer> projections = new ArrayList<>();
    for (JsonNode site : json.at("/smoothQuant/sites")) {
      projections.add(site.get("nodes").size());
      assertEquals(48, site.get("scale").size(), site.get("input").asText());
    }
    assertEquals(List.of(3, 1, 3, 1), projections); // norm1 -> Q, K, V; norm2 -> fc1; per block
  }

  @Test
  void smoothedExportsAreRebuiltByValidateAndDifferFromUnsmoothed() {
    CalibrationRun off = calibrate(calibrationRows(), false, "off");
    CalibrationRun on = calibrate(calibrationRows(), true, "on");
    assertTrue(!java.util.Arrays.equals(off.calibration().quantizedModel(),
        on.calibration().quantizedModel()), "smoothing changes the exported model");
    ValidationRun rebuilt = ValidateSettings.builder().model(model).data(heldOut)
        .input("input", "input").calibration(tmp.resolve("on").toString()).label("label")
        .run(spark);
    CandidateResult minmax = rebuilt.report().candidate("minmax");
    // validate --calibration folds the stored scales in first: the model calibrate exported.
    assertEquals(on.calibration().chosen().sha256(), minmax.sha256());
    // The smoothed graph computes the FP32 function: its int8 export stays close to FP32
    // (the unsmoothed one reaches about 30 dB, docs/BENCHMARKS.md "SmoothQuant").
    assertTrue(minmax.primaryOutput().sqnrDb() > 20, "output SQNR "
        + minmax.primaryOutput().sqnrDb());
  }
}
