package org.qcal.calib;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.qcal.jobs.*;
import org.qcal.onnx.*;
import org.qcal.quant.QuantParams;
import org.qcal.quant.QuantRule;
import org.qcal.quant.QuantType;
import org.qcal.stats.Histogram;

class ScratchEntropyTest {
  @Test
  void explore() throws Exception {
    SparkSession spark = org.apache.spark.sql.SparkSession.builder().master("local[2]")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
    Path models = Path.of("../quant-core/src/test/resources/models").toAbsolutePath();
    String slice = Path.of("src/test/resources/data/fashion-mnist-slice.parquet").toAbsolutePath().toString();
    for (String name : List.of("cnn.onnx", "residual.onnx")) {
      String model = models.resolve(name).toString();
      CalibrationParameters p = CalibrationParameters.of(List.of("minmax", "entropy"), 99.999, 2048, "uint8", "int8", false, true, "entropy", 64);
      CalibrationResult r = CalibrateJob.calibrate(spark, new CalibrateSettings(model, slice, null, null, Map.of(), p, 1000L, "/tmp/unused", false));
      OnnxModel m = OnnxModel.load(Path.of(model));
      CalibrationPlan plan = GraphAnalyzer.analyze(m);
      Map<String, QuantParams> flat = new LinkedHashMap<>();
      Map<String, QuantParams> flat256 = new LinkedHashMap<>();
      Map<String, QuantParams> only256 = new LinkedHashMap<>();
      for (TensorCalibration t : r.tensors()) {
        Histogram h = t.histogram();
        long[] bins = h.foldAbs().counts();
        int i0 = EntropyCalibrator.bestCandidate(bins, 128);
        long[] flattened = bins.clone();
        flattened[0] = flattened[1];
        int i1 = EntropyCalibrator.bestCandidate(flattened, 128);
        boolean nonNeg = t.stats().min() >= 0;
        int i2 = EntropyCalibrator.bestCandidate(bins, nonNeg ? 256 : 128);
        int i3 = EntropyCalibrator.bestCandidate(flattened, nonNeg ? 256 : 128);
        System.out.println("SCRATCH2 " + name + " " + t.name() + " levels256 t=" + i2 * h.foldAbs().grid().width() + " flat+256 t=" + i3 * h.foldAbs().grid().width());
        Range r256 = HistogramInputs.fromThreshold(i3 * h.foldAbs().grid().width(), t.stats(), false);
        flat256.put(t.name(), QuantParams.fromRange(r256.min(), r256.max(), QuantType.parse("uint8"), QuantRule.ASYMMETRIC));
        Range r256b = HistogramInputs.fromThreshold(i2 * h.foldAbs().grid().width(), t.stats(), false);
        only256.put(t.name(), QuantParams.fromRange(r256b.min(), r256b.max(), QuantType.parse("uint8"), QuantRule.ASYMMETRIC));
        double w = h.foldAbs().grid().width();
        Range range = HistogramInputs.fromThreshold(i1 * w, t.stats(), false);
        System.out.println("SCRATCH " + name + " " + t.name() + " absmax " + t.stats().absMax() + " zero-bin share " + (double) bins[0] / h.total()
            + " entropy t=" + i0 * w + " ; with bin[0]=bin[1] t=" + i1 * w);
        flat.put(t.name(), QuantParams.fromRange(range.min(), range.max(), QuantType.parse("uint8"), QuantRule.ASYMMETRIC));
      }
      QdqModel q = QdqExporter.export(m, plan, flat, p.weightQuantization());
      Files.write(Path.of("/tmp/t4scratch/" + name + ".flat.int8.onnx"), q.toByteArray());
      Files.write(Path.of("/tmp/t4scratch/" + name + ".entropy.int8.onnx"), r.quantizedModel());
      Files.write(Path.of("/tmp/t4scratch/" + name + ".flat256.int8.onnx"), QdqExporter.export(m, plan, flat256, p.weightQuantization()).toByteArray());
      Files.write(Path.of("/tmp/t4scratch/" + name + ".only256.int8.onnx"), QdqExporter.export(m, plan, only256, p.weightQuantization()).toByteArray());
    }
    spark.stop();
  }
}
