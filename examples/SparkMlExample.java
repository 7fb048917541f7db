// A whole Java program on qcal's Spark ML API (README, "Spark ML"): calibrate an FP32 ONNX
// classifier on a DataFrame, score held-out rows with the int8 model and the FP32 one through
// Spark's evaluator, save the int8 model, load it back and check that it scores identically.
// It runs on the embedded classpath of any Spark variant, no build step (Java's source launcher):
//   QCAL_MAIN=examples/SparkMlExample.java bin/qcal MODEL.onnx DATA.parquet OUT_DIR
// DATA has a `pixels` column (the model input `input`) and `label`; the first 500 rows calibrate,
// rows 1000 to 1499 are scored. OUT_DIR (new) receives model.int8.onnx, the saved Spark ML model
// (ml-model/) and predictions.csv (label, prediction, logits per row, in the data's order).
// tools/spark-variants.sh runs it on every Spark variant and compares what it writes.
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.qcal.jobs.ml.QuantizationCalibrator;
import org.qcal.jobs.ml.QuantizedOnnxModel;

public class SparkMlExample {
  public static void main(String[] args) throws Exception {
    Path model = Path.of(args[0]);
    Path out = Files.createDirectory(Path.of(args[2]));
    SparkSession spark = SparkSession.builder().master("local[2]").appName("qcal-example")
        .config("spark.ui.enabled", "false").getOrCreate();
    try {
      Dataset<Row> images = spark.read().parquet(args[1]);
      Dataset<Row> heldOut = images.offset(1000).limit(500);

      QuantizedOnnxModel int8 = new QuantizationCalibrator()
          .setModelPath(model.toString())
          .setFeedDict(Map.of("input", "pixels"))   // ONNX input -> column
          .setFetchDict(Map.of("logits", "logits")) // ONNX output -> column
          .setChoose("mse")
          .setArgmaxCol("prediction")
          .fit(images.limit(500));
      QuantizedOnnxModel fp32 = int8.withModel(Files.readAllBytes(model));
      MulticlassClassificationEvaluator top1 = new MulticlassClassificationEvaluator()
          .setLabelCol("label").setMetricName("accuracy");
      List<Row> scored = int8.transform(heldOut).select("label", "prediction", "logits")
          .collectAsList();
      System.out.printf("top-1 on %d held-out rows: FP32 %.4f, int8 %.4f (%s)%n", scored.size(),
          top1.evaluate(fp32.transform(heldOut)), top1.evaluate(int8.transform(heldOut)),
          int8.calibration().chosen().name());

      String saved = out.resolve("ml-model").toString();
      int8.write().save(saved);
      QuantizedOnnxModel loaded = QuantizedOnnxModel.load(saved);
      if (!loaded.transform(heldOut).select("label", "prediction", "logits").collectAsList()
          .equals(scored)) {
        throw new IllegalStateException("the reloaded model scores differently from the fitted one");
      }
      Files.write(out.resolve("model.int8.onnx"), int8.modelBytes());
      StringBuilder csv = new StringBuilder("label,prediction,logits\n");
      for (Row r : scored) {
        csv.append(r.get(0)).append(',').append(r.get(1)).append(',')
            .append(r.<Object>getList(2).toString().replace(", ", " ")).append('\n');
      }
      Files.writeString(out.resolve("predictions.csv"), csv);
    } finally {
      spark.stop();
    }
  }
}
