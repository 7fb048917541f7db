package org.qcal.jobs.validate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.qcal.QcalException;
import org.qcal.jobs.api.BadArgument;
import org.qcal.jobs.data.PassData;
import org.qcal.jobs.spark.ModelRef;
import org.qcal.jobs.spark.ValidationPartial;
import org.qcal.jobs.spark.ValidationPass;
import org.qcal.runtime.ModelSource;
import org.qcal.runtime.SessionCache;
import org.qcal.runtime.TensorSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one-pass validation: every partition runs the FP32 model and every candidate on each batch
 * and returns additive sums; a tree reduction merges them; the driver derives the metrics, judges
 * them against the gate and ranks the candidates. Tensors never leave the executors.
 *
 * <pre>{@code
 * PreparedValidation prepared = PreparedValidation.prepare(fp32, path, sha256, candidates,
 *     true, RuntimeOptions.withThreads(1));
 * PassData data = ...; // rows + BatchPlan bound to prepared.signature()
 * ValidationReport report = Validator.run(spark, prepared, data, Gate.of(ValidationMetric.TOP1));
 * report.best(); report.candidates().get(0).tensorsByWorstSqnr();
 * }</pre>
 */
public final class Validator {
  private static final Logger LOG = LoggerFactory.getLogger(Validator.class);
  /** Levels of the tree reduction, as calibrate's passes. */
  private static final int TREE_DEPTH = 2;

  private Validator() {}

  /**
   * Fails with one line when the gate cannot be evaluated on this model and data: a label-based
   * metric without labels, or class-based metrics or labels on an output that is not class
   * scores. Cheap: call it before reading data.
   */
  public static void checkGate(PreparedValidation prepared, Gate gate, String labelColumn) {
    ValidationMetric metric = gate.metric();
    if (metric.needsLabels() && labelColumn == null) {
      throw new BadArgument("metric", metric + " compares predictions with labels: give a label"
          + " column");
    }
    TensorSpec primary = prepared.primaryOutputSpec();
    if (!AgreementCount.supports(metric, primary.rank())) {
      throw new BadArgument("metric", metric + " cannot be measured on output '"
          + primary.name() + "' of model " + prepared.fp32Path() + ", which is " + primary
          + "; use --metric sqnr");
    }
    if (!prepared.primaryOutputIsClassScores()) {
      String why = metric.needsClassScores() ? "--metric " + metric
          : labelColumn != null ? "--label " + labelColumn : null;
      if (why != null) {
        TensorSpec spec = prepared.primaryOutputSpec();
        throw new QcalException(why + " needs class scores, but output '" + spec.name()
            + "' of model " + prepared.fp32Path() + " is " + spec
            + " (expected [batch, C] with C >= 2); use --metric "
            + OutputKind.of(spec).defaultMetric() + " (" + OutputKind.of(spec).description()
            + ") or sqnr");
      }
    }
  }

  /**
   * The output read as class scores: the primary one when it is declared [batch, C >= 2], or
   * [batch, ?] and class scores are needed (then checked on the first batch); else none, and
   * only the SQNR and cosine of the outputs are measured.
   */
  private static String classOutput(PreparedValidation prepared, Gate gate, String label) {
    if (!prepared.primaryOutputIsClassScores()) {
      return null;
    }
    boolean needed = gate.metric().needsClassScores() || label != null;
    boolean declared = prepared.primaryOutputSpec().dim(1) >= 2;
    return declared || needed ? prepared.primaryOutput() : null;
  }

  /** Runs the pass over {@code data} and returns the ranked, judged report. */
  public static ValidationReport run(SparkSession spark, PreparedValidation prepared,
      PassData data, Gate gate) {
    checkGate(prepared, gate, data.labelColumn());
    String classOutput = classOutput(prepared, gate, data.labelColumn());
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<Broadcast<byte[]>> broadcasts = new ArrayList<>();
    try {
      ValidationPass pass = pass(jsc, prepared, data, classOutput, gate, broadcasts);
      long start = System.nanoTime();
      ValidationPartial result = data.rows()
          .mapPartitions(rows -> List.of(pass.run(rows)).iterator())
          .treeReduce(ValidationPartial::merge, TREE_DEPTH)
          .requireNoBadRow();
      ValidationReport.Timing timing = new ValidationReport.Timing(
          (System.nanoTime() - start) / 1e9, result.referenceNanos / 1e9,
          result.candidateNanos / 1e9, result.metricNanos / 1e9);
      log(result.rows(), prepared.candidates().size(), timing);
      if (result.rows() == 0) {
        throw new QcalException("data path '" + data.path() + "' has no rows to validate");
      }
      return ValidationReport.of(prepared, data, gate, classOutput, result, timing);
    } finally {
      broadcasts.forEach(Broadcast::destroy);
      // Candidates are one-offs (tune makes new ones each step): free their sessions here, which
      // in local mode are the executors' too. Never evicts a session a task still uses.
      for (int k = 0; k < prepared.candidates().size(); k++) {
        SessionCache.evict(prepared.candidateTap(k).digest());
      }
    }
  }

  private static ValidationPass pass(JavaSparkContext jsc, PreparedValidation prepared,
      PassData data, String classOutput, Gate gate, List<Broadcast<byte[]>> broadcasts) {
    ModelRef reference = ref(jsc, prepared.referenceTap(), broadcasts);
    List<ModelRef> candidates = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<String> referenceTensors = new ArrayList<>();
    for (String t : prepared.tensors()) {
      referenceTensors.add(prepared.referenceTensorOutput(t));
    }
    Map<String, Integer> index = prepared.tensorIndex();
    int n = prepared.candidates().size();
    int[][] tensorIndex = new int[n][];
    TensorTap[][] candidateTensors = new TensorTap[n][];
    for (int k = 0; k < n; k++) {
      candidates.add(ref(jsc, prepared.candidateTap(k), broadcasts));
      names.add(prepared.candidates().get(k).name());
      Map<String, TensorTap> taps = prepared.candidateTensorTaps(k);
      tensorIndex[k] = new int[taps.size()];
      candidateTensors[k] = new TensorTap[taps.size()];
      int t = 0;
      for (Map.Entry<String, TensorTap> e : taps.entrySet()) {
        tensorIndex[k][t] = index.get(e.getKey());
        candidateTensors[k][t++] = e.getValue();
      }
    }
    return new ValidationPass(reference, candidates, names, data.plan(), prepared.outputs(),
        classOutput, referenceTensors, tensorIndex, candidateTensors, prepared.runtime(),
        classOutput == null ? -1 : prepared.primaryOutputSpec().dim(1),
        gate.metric().isOutputAgreement() ? gate.metric() : null);
  }

  private static ModelRef ref(JavaSparkContext jsc, ModelSource source,
      List<Broadcast<byte[]>> broadcasts) {
    Broadcast<byte[]> b = jsc.broadcast(source.bytes());
    broadcasts.add(b);
    return new ModelRef(b, source.name(), source.digest());
  }

  private static void log(long rows, int candidates, ValidationReport.Timing t) {
    LOG.info(String.format(Locale.ROOT,
        "validation pass: %d rows, %d candidates in %.1f s (%.0f rows/s); task CPU time: FP32"
            + " %.1f s, candidates %.1f s, metrics %.1f s", rows, candidates, t.wallSeconds(),
        rows / Math.max(t.wallSeconds(), 1e-9), t.referenceCpuSeconds(),
        t.candidateCpuSeconds(), t.metricCpuSeconds()));
  }
}
