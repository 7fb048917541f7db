package org.qcal.jobs.calibrate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.qcal.QcalException;
import org.qcal.jobs.api.CalibrateSettings;
import org.qcal.jobs.api.CalibrationParameters;
import org.qcal.jobs.api.QuantizedExport;
import org.qcal.jobs.api.SmoothingScales;
import org.qcal.jobs.data.ModelData;
import org.qcal.jobs.data.PassData;
import org.qcal.jobs.io.LoadedInputModel;
import org.qcal.jobs.spark.CalibrationPasses;
import org.qcal.jobs.spark.FaultInjection;
import org.qcal.jobs.spark.PassPartial;
import org.qcal.jobs.spark.TapPass;
import org.qcal.onnx.OnnxModel;
import org.qcal.onnx.SmoothQuant;
import org.qcal.onnx.SmoothingSites;
import org.qcal.onnx.TapAugmenter;
import org.qcal.onnx.TapModel;
import org.qcal.runtime.ModelDigest;
import org.qcal.runtime.ModelSource;
import org.qcal.runtime.RuntimeOptions;
import org.qcal.runtime.SessionCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SmoothQuant's distributed pass (docs/DESIGN.md, "SmoothQuant"): taps the FP32 model's
 * activations that {@link SmoothingSites} can smooth, takes each channel's max |x| over the
 * calibration rows (an exact maximum, so the same bytes whatever the partitioning), and derives
 * the scales on the driver. It runs before the calibration passes, which then see the smoothed
 * model's ranges.
 */
final class SmoothingPass {
  private static final Logger LOG = LoggerFactory.getLogger(SmoothingPass.class);

  private SmoothingPass() {}

  /** The scales of every site of {@code input}'s graph, from the calibration rows. */
  static SmoothingScales measure(SparkSession spark, CalibrateSettings settings,
      LoadedInputModel input, RuntimeOptions runtime) {
    long start = System.nanoTime();
    CalibrationParameters parameters = settings.parameters();
    double alpha = parameters.smoothQuantAlpha();
    String name = settings.model().name();
    OnnxModel model = input.toQuantize();
    List<SmoothingSites.Site> sites =
        SmoothingSites.find(model, QuantizedExport.plan(input, parameters.recipe()));
    if (sites.isEmpty()) {
      LOG.info("{}: SmoothQuant found no MatMul/Gemm input written by a LayerNorm: nothing"
          + " smoothed", name);
      return new SmoothingScales(alpha, List.of());
    }
    List<String> tensors = sites.stream().map(SmoothingSites.Site::input).toList();
    TapModel tap = TapAugmenter.augment(model, tensors);
    byte[] bytes = tap.toByteArray();
    String digest = ModelDigest.sha256Hex(bytes);
    PassData data = ModelData.load(spark,
        SessionCache.signature(ModelSource.of(name, digest, bytes), runtime), settings.data(),
        null, parameters.batchSize(), null);
    List<String> outputs = tensors.stream().map(t -> tap.tapOutputs().get(t)).toList();
    int[] indices = new int[sites.size()];
    int[] channels = new int[sites.size()];
    for (int i = 0; i < indices.length; i++) {
      indices[i] = i;
      channels[i] = sites.get(i).channels();
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<byte[]> broadcast = jsc.broadcast(bytes);
    PassPartial partial;
    try {
      TapPass pass = new TapPass(List.of(new TapPass.Group(broadcast, digest, outputs, indices)),
          name, data.plan(), runtime, FaultInjection.from(jsc.getConf()));
      partial = CalibrationPasses.channelMax(data.rows(), pass, channels);
    } finally {
      broadcast.destroy();
    }
    if (partial.rows() == 0) {
      throw new QcalException("data '" + settings.data() + "' has no rows");
    }
    List<SmoothingScales.Site> smoothed = new ArrayList<>();
    double worst = 0;
    for (int i = 0; i < sites.size(); i++) {
      SmoothingSites.Site site = sites.get(i);
      float[] activationMax = partial.channelMax()[i].max();
      float[] scale = SmoothQuant.scales(activationMax, SmoothQuant.weightMax(model, site), alpha);
      SmoothingScales.Site s =
          new SmoothingScales.Site(site.input(), site.linears(), scale, activationMax);
      worst = Math.max(worst, s.outlierRatio());
      smoothed.add(s);
    }
    LOG.info(String.format(Locale.ROOT, "%s: SmoothQuant (alpha %s) of %d activations read by %d"
        + " MatMul/Gemm, largest channel max over the median %.1f, over %d rows in %.1f s",
        name, alpha, sites.size(), sites.stream().mapToInt(s -> s.linears().size()).sum(), worst,
        partial.rows(), (System.nanoTime() - start) / 1e9));
    return new SmoothingScales(alpha, smoothed);
  }
}
