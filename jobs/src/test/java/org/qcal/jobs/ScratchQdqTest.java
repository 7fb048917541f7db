package org.qcal.jobs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class ScratchQdqTest {
  @Test
  void explore() throws Exception {
    SparkSession spark = JobsTestSpark.start("scratch", 1);
    CalibrationOutputs.Slice rows = CalibrationOutputs.slice(spark, 500);
    for (String model : List.of("cnn.onnx", "residual.onnx", "mlp.onnx")) {
      byte[] fp = Files.readAllBytes(Path.of(TestPaths.model(model)));
      int[] f = CalibrationOutputs.predict(model, fp, rows);
      System.out.println("SCRATCH " + model + " fp32 acc " + CalibrationOutputs.agreeing(f, rows.labels()));
      for (String choose : List.of("minmax", "percentile", "entropy", "mse")) {
        for (boolean perChannel : List.of(true, false)) {
        Path out = Files.createTempDirectory("scr").resolve("o");
        CalibrationParameters p = CalibrationParameters.of(List.of("minmax", "percentile", "entropy", "mse"), 99.999, 2048, "uint8", "int8",
            false, perChannel, choose, 64);
        CalibrateJob.run(spark, new CalibrateSettings(TestPaths.model(model), TestPaths.slice(), null, null, Map.of(), p, 1000L, out.toString(), false));
        int[] q = CalibrationOutputs.predict(model + choose + perChannel, Files.readAllBytes(out.resolve("model.int8.onnx")), rows);
        System.out.println("SCRATCH " + model + " " + choose + " perChannel=" + perChannel + " agree " + CalibrationOutputs.agreeing(f, q) + " acc " + CalibrationOutputs.agreeing(q, rows.labels()));
        if (model.equals("cnn.onnx") && choose.equals("minmax") && perChannel) {
          Files.copy(out.resolve("model.int8.onnx"), Path.of("/tmp/t4scratch/cnn.int8.onnx"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          Files.copy(out.resolve("calibration.json"), Path.of("/tmp/t4scratch/cnn.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        }
      }
    }
    spark.stop();
  }
}
