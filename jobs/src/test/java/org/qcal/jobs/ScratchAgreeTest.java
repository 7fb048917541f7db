package org.qcal.jobs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class ScratchAgreeTest {
  @Test
  void explore() throws Exception {
    SparkSession spark = JobsTestSpark.start("scratch", 1);
    CalibrationOutputs.Slice rows = CalibrationOutputs.slice(spark, 2000);
    for (String model : List.of("cnn.onnx", "residual.onnx")) {
      int[] f = CalibrationOutputs.predict(model, Files.readAllBytes(Path.of(TestPaths.model(model))), rows);
      for (String kind : List.of("entropy", "flat", "only256", "flat256")) {
        int[] q = CalibrationOutputs.predict(model + kind, Files.readAllBytes(Path.of("/tmp/t4scratch/" + model + "." + kind + ".int8.onnx")), rows);
        System.out.println("SCRATCH " + model + " " + kind + " agree " + CalibrationOutputs.agreeing(f, q) + "/2000 acc " + CalibrationOutputs.agreeing(q, rows.labels()) + " fp32 acc " + CalibrationOutputs.agreeing(f, rows.labels()));
      }
    }
    spark.stop();
  }
}
