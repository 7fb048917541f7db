package org.qcal.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.qcal.calib.CalibrationMethod;
import org.qcal.calib.CalibrationOptions;
import org.qcal.calib.EntropyCalibrator;
import org.qcal.jobs.JobsTestSpark;
import org.qcal.jobs.api.CalibrateSettings;
import org.qcal.jobs.api.CalibrationResult;
import org.qcal.jobs.api.ExportChoice;
import org.qcal.jobs.api.TensorCalibration;
import org.qcal.jobs.calibrate.CalibrateJob;
import org.qcal.quant.QuantRule;
import org.qcal.quant.QuantType;
import org.qcal.stats.Histogram;

/**
 * The entropy audit's input (tools/entropy_audit.sh, tools/entropy_reference.py): calibrates a
 * model with the entropy method and writes every tapped tensor's merged histogram as
 * calibrate's searches see it (the |x| fold and the two signed sides, the bin width, the data's
 * min and max), with the threshold and candidate bin qcal's {@link EntropyCalibrator} picks for
 * symmetric int8 and for asymmetric uint8 (where a never-negative tensor gets 256 levels). Not a
 * benchmark: the audit compares thresholds.
 *
 * <pre>
 * benchmarks/run-main.sh -audit test-compile org.qcal.bench.HistogramDump -- \
 *   OUT.json PASSES MODEL DATA [--input NAME=COLUMN | --input-shape NAME=SPEC]...
 * </pre>
 */
public final class HistogramDump {
  private HistogramDump() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 4) {
      System.err.println("usage: HistogramDump OUT.json PASSES MODEL DATA [--input N=C]"
          + " [--input-shape N=SPEC]");
      System.exit(2);
    }
    CalibrateSettings.Builder b = CalibrateSettings.builder().model(args[2]).data(args[3])
        .methods(CalibrationMethod.ENTROPY).choose(ExportChoice.of(CalibrationMethod.ENTROPY))
        .passes(Integer.parseInt(args[1]));
    for (int i = 4; i + 1 < args.length; i += 2) {
      String[] kv = args[i + 1].split("=", 2);
      switch (args[i]) {
        case "--input" -> b.input(kv[0], kv[1]);
        case "--input-shape" -> b.inputShape(kv[0], kv[1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    SparkSession spark = JobsTestSpark.startWith("histogram-dump", "local[2]");
    try {
      CalibrationResult result = CalibrateJob.calibrate(spark, b.build());
      Files.writeString(Path.of(args[0]), json(args[2], Integer.parseInt(args[1]),
          result.tensors()));
    } finally {
      spark.stop();
    }
  }

  private static String json(String model, int passes, List<TensorCalibration> tensors)
      throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    root.put("model", Path.of(model).getFileName().toString());
    root.put("passes", passes);
    ArrayNode list = root.putArray("tensors");
    EntropyCalibrator symmetric = new EntropyCalibrator(CalibrationOptions.defaults()
        .withType(QuantType.INT8).withRule(QuantRule.SYMMETRIC));
    EntropyCalibrator unsigned = new EntropyCalibrator(CalibrationOptions.defaults()
        .withType(QuantType.UINT8).withRule(QuantRule.ASYMMETRIC));
    for (TensorCalibration t : tensors) {
      Histogram h = t.histogram();
      if (h == null || h.grid().isDegenerate() || t.stats().hasNoFinite()) {
        continue;
      }
      Histogram folded = h.foldAbs();
      ObjectNode n = list.addObject();
      n.put("name", t.name());
      n.put("width", folded.grid().width());
      n.put("min", t.stats().min());
      n.put("max", t.stats().max());
      counts(n.putArray("folded"), folded.counts(), 0, folded.bins(), 1);
      // The signed sides, each from 0 outwards: positive[m] counts [m w, (m + 1) w),
      // negative[m] counts (-(m + 1) w, -m w] (ONNX Runtime's entropy works on the signed one).
      int neg = h.grid().negBins();
      counts(n.putArray("positive"), h.counts(), neg, h.grid().posBins(), 1);
      counts(n.putArray("negative"), h.counts(), neg - 1, neg, -1);
      if (folded.bins() >= 128) {
        float sym = symmetric.calibrate(t.stats(), h).amax();
        float asym = unsigned.calibrate(t.stats(), h).amax();
        n.put("qcalSymmetricInt8", candidate(sym, folded));
        n.put("qcalAsymmetricUint8", candidate(asym, folded));
        n.put("qcalSymmetricInt8Amax", sym);
        n.put("qcalAsymmetricUint8Amax", asym);
      }
    }
    return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
  }

  private static void counts(ArrayNode into, long[] counts, int from, int n, int step) {
    for (int k = 0; k < n; k++) {
      into.add(counts[from + step * k]);
    }
  }

  /**
   * The candidate {@code i} of threshold {@code i w}: the last one when the threshold was clipped
   * to the data's absmax (only the last candidate reaches it: {@code (B - 1) w < absmax}).
   */
  private static int candidate(float amax, Histogram folded) {
    int last = folded.bins();
    int i = (int) Math.round(amax / (double) folded.grid().width());
    return Math.min(i, last);
  }
}
