package org.qcal.jobs.calibrate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.qcal.jobs.api.BiasShifts;
import org.qcal.jobs.data.BatchPlan;
import org.qcal.jobs.spark.CalibrationPasses;
import org.qcal.jobs.spark.FaultInjection;
import org.qcal.jobs.spark.PassPartial;
import org.qcal.jobs.spark.TapPass;
import org.qcal.onnx.BiasShiftModel;
import org.qcal.onnx.CalibrationPlan;
import org.qcal.onnx.OnnxModel;
import org.qcal.onnx.WeightQuantization;
import org.qcal.runtime.ModelDigest;
import org.qcal.runtime.RuntimeOptions;
import org.qcal.stats.TensorStats;

/**
 * The distributed pass of bias correction: runs {@link BiasShiftModel} over the calibration rows
 * and returns each corrected node's mean output shift per channel. Each channel's shifts go
 * through the passes' per-tensor statistics, whose sums are exact ({@code ExactSum}), so the
 * shifts are the same bytes whatever the partitioning.
 */
final class BiasShiftPass {
  private BiasShiftPass() {}

  /** Measures the shifts of the Conv and Gemm nodes whose weights {@code plan} quantizes. */
  static BiasShifts measure(OnnxModel model, CalibrationPlan plan,
      WeightQuantization weights, JavaRDD<Row> rows, BatchPlan batchPlan, RuntimeOptions runtime,
      String modelName, JavaSparkContext jsc) {
    BiasShiftModel shiftModel = BiasShiftModel.build(model, plan, weights);
    if (shiftModel.sites().isEmpty()) {
      return BiasShifts.NONE;
    }
    Map<Integer, float[]> byNode = new LinkedHashMap<>();
    Map<Integer, String> labels = new LinkedHashMap<>();
    byte[] bytes = shiftModel.model().toByteArray();
    List<String> outputs = shiftModel.outputs();
    int[] tensors = new int[outputs.size()];
    for (int i = 0; i < tensors.length; i++) {
      tensors[i] = i;
    }
    Broadcast<byte[]> broadcast = jsc.broadcast(bytes);
    try {
      TapPass pass = new TapPass(List.of(new TapPass.Group(broadcast,
          ModelDigest.sha256Hex(bytes), outputs, tensors)), modelName, batchPlan, runtime,
          FaultInjection.from(jsc.getConf()));
      PassPartial partial = CalibrationPasses.stats(rows, pass);
      int t = 0;
      for (BiasShiftModel.Site site : shiftModel.sites()) {
        float[] shift = new float[site.channels()];
        for (int c = 0; c < shift.length; c++) {
          TensorStats s = partial.stats[t++];
          shift[c] = s.hasNoFinite() ? 0f : (float) s.mean();
        }
        byNode.put(site.node(), shift);
        labels.put(site.node(), site.nodeLabel());
      }
    } finally {
      broadcast.destroy();
    }
    return new BiasShifts(byNode, labels);
  }
}
