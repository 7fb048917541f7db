package org.qcal.calib;

import java.util.Arrays;
import org.qcal.Check;
import org.qcal.QcalException;
import org.qcal.kernels.Kernels;
import org.qcal.kernels.TensorKernels;
import org.qcal.stats.Histogram;
import org.qcal.stats.TensorStats;

/**
 * TensorRT's entropy calibration (Migacz, "8-bit Inference with TensorRT", GTC 2017): the
 * threshold whose clipped and requantized |x| distribution loses the least information, measured
 * by the KL divergence. On the |x| histogram {@code bin[0..B)} (docs/DESIGN.md: fold of the signed
 * grid), with {@code L} target levels (default 128), for every candidate {@code i} from {@code L}
 * to {@code B}:
 *
 * <ol>
 *   <li>reference {@code P = bin[0..i)}, with the outliers {@code sum(bin[i..B))} added to {@code
 *       P[i-1]};
 *   <li>candidate {@code Q}: bin {@code j < i} belongs to level {@code floor(j L / i)} (exact
 *       integer arithmetic, the proportional split of pytorch-quantization's {@code
 *       np.digitize(range(i), np.linspace(0, i, L + 1))}); each level's count of {@code
 *       bin[0..i)} (outliers excluded) is spread evenly over its non-empty bins, empty bins stay
 *       empty;
 *   <li>zeros of P and Q are smoothed as MXNet / ONNX Runtime's {@code smooth_distribution} (a
 *       zero becomes {@value CalibrationDefaults#ENTROPY_SMOOTHING} counts, taken evenly off the
 *       non-zero bins); a candidate whose Q is empty, or whose smoothing would drive a bin
 *       negative, has divergence +Inf;
 *   <li>{@code KL(P || Q) = sum p ln(p / q)} of the normalized distributions, summed in bin order.
 * </ol>
 *
 * The smallest divergence wins, the last one on ties (pytorch-quantization's {@code last_argmin}).
 * <b>Threshold</b>: the edge {@code i * w}, the upper end of the range P describes, as
 * pytorch-quantization's {@code _compute_amax_entropy} ({@code calib_bin_edges[i]}); MXNet and
 * tpu-mlir use the bin centre {@code (i + 0.5) w}, half a bin higher. The candidate {@code i = B}
 * (no clipping) is included. The result is clipped to the data's absmax; asymmetric ranges are
 * {@code [-t, t]} intersected with the data range (the method itself is symmetric on |x|).
 *
 * <p><b>The spike at zero</b>: before the search, {@code bin[0]} is replaced by {@code bin[1]},
 * as pytorch-quantization's {@code _compute_amax_entropy} does. A Relu output is 30 to 60 %
 * exact zeros; zero quantizes exactly, yet left in P that spike dominates the divergence and
 * pulls the threshold several times too low (measured on the shipped CNN: top-1 81.2 % instead
 * of 90.7 %).
 *
 * <p><b>Levels for unsigned targets</b>: TensorRT's 128 levels are int8's positive half. An
 * asymmetric calibration to an unsigned type of a tensor that is never negative (a Relu output
 * to uint8) spends all {@code 2^bits} levels on {@code [0, t]}, so its candidates are
 * requantized to {@code 2 L} levels (when the histogram has that many bins): the divergence then
 * measures the rounding the exported model really does.
 *
 * <p><b>Against pytorch-quantization</b> (docs/BENCHMARKS.md, "Entropy audit";
 * {@code EntropyReferenceTest} against tools/entropy_reference.py): without the smoothing this
 * is its search bin for bin, 2L levels included (its {@code unsigned=True}). The smoothing is
 * the one departure: pytorch-quantization scores +Inf a candidate whose last bin is empty but
 * holds the outliers, and scores 0 a candidate below which a single bin is non-empty, which
 * clipped a HardSigmoid output to its minimum on the corpus; qcal keeps the smoothing.
 *
 * <p>A folded histogram with fewer than {@code L} bins cannot be requantized to L levels and is
 * refused.
 */
public final class EntropyCalibrator implements Calibrator {
  private final boolean symmetric;
  private final boolean unsignedTarget;
  private final int levels;
  private final boolean pruned;

  public EntropyCalibrator(CalibrationOptions options) {
    this(options, true);
  }

  /** The same search scoring every candidate: what the benchmark compares the bound with. */
  public static EntropyCalibrator exhaustive(CalibrationOptions options) {
    return new EntropyCalibrator(options, false);
  }

  private EntropyCalibrator(CalibrationOptions options, boolean pruned) {
    Check.notNull(options, "calibration options");
    this.symmetric = options.symmetric();
    this.unsignedTarget = !options.type().isSigned();
    this.levels = Check.atLeast(options.entropyLevels(), 2, "entropy levels");
    this.pruned = pruned;
  }

  @Override
  public CalibrationMethod method() {
    return CalibrationMethod.ENTROPY;
  }

  @Override
  public Range calibrate(TensorStats stats, Histogram histogram) {
    Range shortcut = HistogramInputs.shortcut(stats, histogram, symmetric, method());
    if (shortcut != null) {
      return shortcut;
    }
    Histogram folded = histogram.foldAbs();
    long[] bins = folded.counts();
    if (bins.length < levels) {
      throw new QcalException("entropy calibration needs at least " + levels
          + " bins on |x| (the target levels), got " + bins.length + " on "
          + histogram.grid());
    }
    int target = levels;
    if (!symmetric && unsignedTarget && stats.min() >= 0 && bins.length >= 2 * levels) {
      target = 2 * levels;
    }
    int best = search(bins, target, pruned);
    double t = (double) best * folded.grid().width();
    return HistogramInputs.fromThreshold(t, stats, symmetric);
  }

  /**
   * The whole search on the |x| histogram {@code folded} (modified: the zero spike replaced):
   * the candidate {@code i} whose threshold is the edge {@code i w}. What
   * tools/entropy_reference.py checks against pytorch-quantization's search.
   */
  static int search(long[] folded, int levels) {
    return search(folded, levels, true);
  }

  private static int search(long[] folded, int levels, boolean pruned) {
    folded[0] = folded.length > 1 ? folded[1] : folded[0];
    return bestCandidate(folded, levels, pruned);
  }

  /**
   * The candidate {@code i} in {@code [levels, bins.length]} of least divergence, last on ties
   * (docs/DESIGN.md, "The entropy search's bound"): every candidate is first scored with the
   * kernels' fast {@link TensorKernels#divergenceEstimate}, from the last down, skipping those
   * whose {@link LevelDivergenceBound} shows they cannot win; then only the candidates whose
   * estimate is within the estimates' error of the smallest are scored exactly ({@code
   * StrictMath}) and the least exact divergence wins, the last one on ties. Any candidate left
   * out scores strictly more than one kept, so the pick is the exhaustive search's.
   */
  static int bestCandidate(long[] bins, int levels) {
    return bestCandidate(bins, levels, true);
  }

  private static int bestCandidate(long[] bins, int levels, boolean pruned) {
    double[] p = new double[bins.length];
    double[] q = new double[bins.length];
    CandidateDistributions dist = new CandidateDistributions(bins, levels);
    if (!pruned) {
      return exactBest(dist, null, 0, p, q);
    }
    TensorKernels kernels = Kernels.get();
    LevelDivergenceBound bound = new LevelDivergenceBound(dist);
    // |estimate - exact score| <= 2 err: each is within err of the exact terms' sum.
    double err = TensorKernels.divergenceEstimateError(bins.length);
    double[] estimate = new double[bins.length + 1];
    Arrays.fill(estimate, Double.POSITIVE_INFINITY);
    double bestEstimate = Double.POSITIVE_INFINITY;
    for (int i = bins.length; i >= levels; i--) {
      // Skipped: its exact score is above the bound, so above bestEstimate + 2 err, which is
      // at least the exact score of the candidate that gave bestEstimate.
      if (bound.surelyNotBelow(i, bestEstimate + 3 * err)) {
        continue;
      }
      if (dist.fill(i, p, q)) {
        estimate[i] = kernels.divergenceEstimate(p, q, i);
        bestEstimate = Math.min(bestEstimate, estimate[i]);
      }
    }
    return exactBest(dist, estimate, bestEstimate + 4 * err, p, q);
  }

  /**
   * The candidate of least exact divergence, the last on ties, scoring only those whose {@code
   * estimate} is at most {@code within} (all when {@code estimate} is null); the last candidate
   * when none scores finite.
   */
  private static int exactBest(CandidateDistributions dist, double[] estimate,
      double within, double[] p, double[] q) {
    double bestKl = Double.POSITIVE_INFINITY;
    int best = dist.bins.length;
    for (int i = dist.bins.length; i >= dist.levels; i--) {
      if (estimate != null && !(estimate[i] <= within)) {
        continue;
      }
      double kl = divergence(dist, i, p, q);
      if (kl < bestKl) {
        bestKl = kl;
        best = i;
      }
    }
    return best;
  }

  /**
   * KL(P || Q) of candidate {@code i}, the bins from {@code i} on being its outliers; {@code p}
   * and {@code q} are scratch of length >= i.
   */
  static double divergence(long[] bins, int i, int levels, double[] p, double[] q) {
    return divergence(new CandidateDistributions(bins, levels), i, p, q);
  }

  private static double divergence(CandidateDistributions dist, int i, double[] p,
      double[] q) {
    return dist.fill(i, p, q) ? kl(p, q, i) : Double.POSITIVE_INFINITY;
  }

  /**
   * {@code sum p ln(p / q)} of the normalized (all positive) distributions, in bin order, with
   * StrictMath so that every JVM picks the same threshold.
   */
  private static double kl(double[] p, double[] q, int n) {
    double sp = 0;
    double sq = 0;
    for (int j = 0; j < n; j++) {
      sp += p[j];
      sq += q[j];
    }
    // Every bin empty in both (a quarter of real histograms' bins) has the same term: one
    // logarithm for all of them, added in its place as before.
    double eps = CalibrationDefaults.ENTROPY_SMOOTHING;
    double emptyTerm = Double.NaN;
    double kl = 0;
    for (int j = 0; j < n; j++) {
      if (p[j] == eps && q[j] == eps) {
        if (Double.isNaN(emptyTerm)) {
          double pj = eps / sp;
          emptyTerm = pj * StrictMath.log(pj / (eps / sq));
        }
        kl += emptyTerm;
        continue;
      }
      double pj = p[j] / sp;
      kl += pj * StrictMath.log(pj / (q[j] / sq));
    }
    return kl;
  }
}
