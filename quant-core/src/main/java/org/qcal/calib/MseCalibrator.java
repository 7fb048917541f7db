package org.qcal.calib;

import java.util.function.DoubleFunction;
import org.qcal.Check;
import org.qcal.kernels.Kernels;
import org.qcal.kernels.TensorKernels;
import org.qcal.quant.QuantParams;
import org.qcal.quant.QuantRule;
import org.qcal.quant.QuantType;
import org.qcal.stats.Histogram;
import org.qcal.stats.HistogramGrid;
import org.qcal.stats.TensorStats;

/**
 * The range whose fake-quantization has the least expected squared error (docs/DESIGN.md): each bin
 * stands for its count of values at its centre {@code c}, and a candidate range costs {@code sum
 * count * (fq(c) - c)^2}, where {@code fq} quantizes and dequantizes exactly as the runtime does
 * (the fake-quant kernel, with the params {@link QuantParams#fromRange} gives the candidate under
 * the configured type and rule, saturating to the type's full range).
 *
 * <p>Candidates are the bin edges {@code k w} inside the data, plus the data's extreme itself
 * (so the result never reaches past the data):
 *
 * <ul>
 *   <li>symmetric: {@code [-t, t]} for {@code t = w, 2w, ..., absmax}, scored on the signed
 *       histogram (so unsigned symmetric types, whose two sides differ by one level, are scored
 *       exactly);
 *   <li>asymmetric, coordinate search in two passes: first the upper end over {@code w, 2w, ...,
 *       max} with the lower end at the data min, then the lower end over {@code -w, -2w, ...,
 *       min} with the upper end just found. A joint search would cost the square of the bins;
 *       the error is nearly separable because each end only changes the clipping of its own
 *       tail and the common step size.
 * </ul>
 *
 * Ties go to the smaller threshold (finer steps). This follows pytorch-quantization's {@code
 * _compute_amax_mse}, which scores bin centres as well but takes its candidates at centres from
 * bin 128 up.
 *
 * <p>Scoring every candidate over every bin costs the square of the bins, most of it on
 * candidates that clip far too much. A candidate is skipped, without changing the result, when
 * the error of its clipped tails alone already exceeds the best error so far by more than any
 * rounding of the two sums could explain (docs/DESIGN.md, "The mse search's bound").
 */
public final class MseCalibrator implements Calibrator {
  private final QuantType type;
  private final QuantRule rule;

  private final boolean pruned;

  public MseCalibrator(CalibrationOptions options) {
    this(options, true);
  }

  /** The same search scoring every candidate: the reference the skipping is tested against. */
  public static MseCalibrator exhaustive(CalibrationOptions options) {
    return new MseCalibrator(options, false);
  }

  private MseCalibrator(CalibrationOptions options, boolean pruned) {
    Check.notNull(options, "calibration options");
    this.type = options.type();
    this.rule = options.rule();
    this.pruned = pruned;
  }

  @Override
  public CalibrationMethod method() {
    return CalibrationMethod.MSE;
  }

  @Override
  public Range calibrate(TensorStats stats, Histogram histogram) {
    Range shortcut = HistogramInputs.shortcut(stats, histogram, rule.symmetric(), method());
    if (shortcut != null) {
      return shortcut;
    }
    Scorer scorer = new Scorer(histogram, type, pruned);
    HistogramGrid grid = histogram.grid();
    float w = grid.width();
    if (rule.symmetric()) {
      double t = argmin(scorer, grid.foldedBins(), stats.absMax(), w,
          a -> QuantParams.fromRange(-a, a, type, rule));
      return Range.symmetric((float) t);
    }
    double lo0 = Math.min(stats.min(), 0f);
    double hi = argmin(scorer, grid.posBins(), Math.max(stats.max(), 0f), w,
        a -> QuantParams.fromRange(lo0, a, type, rule));
    double lo = -argmin(scorer, grid.negBins(), -lo0, w,
        a -> QuantParams.fromRange(-a, hi, type, rule));
    return Range.of((float) lo, (float) hi);
  }

  /**
   * The magnitude among {@code w, 2w, ..., (bins - 1) w, extreme} whose params score least, the
   * smaller one on ties; {@code extreme} alone when the side has no bins.
   */
  private static double argmin(Scorer scorer, int bins, double extreme, float w,
      DoubleFunction<QuantParams> paramsOf) {
    double best = extreme;
    double bestErr = scorer.error(paramsOf.apply(extreme));
    for (int k = bins - 1; k >= 1; k--) {
      double a = (double) k * w;
      QuantParams p = paramsOf.apply(a);
      if (scorer.exceedsSurely(p, bestErr)) {
        continue;
      }
      double err = scorer.error(p);
      if (err <= bestErr) {
        bestErr = err;
        best = a;
      }
    }
    return best;
  }

  /** The squared error of fake-quantizing the non-empty bins' centres, weighted by count. */
  private static final class Scorer {
    private final float[] centres;
    private final long[] counts;
    private final float[] out;
    private final int qmin;
    private final int qmax;
    private final TensorKernels kernels = Kernels.get();
    /** Null when not pruning. */
    private final TailSums tails;

    Scorer(Histogram h, QuantType type, boolean pruned) {
      long[] all = h.counts();
      int n = 0;
      for (long c : all) {
        n += c != 0 ? 1 : 0;
      }
      centres = new float[n];
      counts = new long[n];
      out = new float[n];
      for (int i = 0, k = 0; i < all.length; i++) {
        if (all[i] != 0) {
          centres[k] = (float) h.grid().centre(i);
          counts[k++] = all[i];
        }
      }
      qmin = (int) type.fullMin();
      qmax = (int) type.fullMax();
      tails = pruned ? new TailSums(centres, counts) : null;
    }

    /**
     * Whether {@link #error} of {@code p} is certainly above {@code bestErr}. No value
     * dequantizes above {@code (qmax - z) s} or below {@code (qmin - z) s} (the kernel's
     * dequantization is monotone in q), so every centre beyond those values errs by at least
     * its distance to them: the tails' error is a lower bound of the whole error.
     */
    boolean exceedsSurely(QuantParams p, double bestErr) {
      if (tails == null) {
        return false;
      }
      float hi = (float) (qmax - p.zeroPoint()) * p.scale();
      float lo = (float) (qmin - p.zeroPoint()) * p.scale();
      return tails.surelyAbove(lo, hi, bestErr);
    }

    double error(QuantParams p) {
      kernels.fakeQuantize(centres, 0, centres.length, p.scale(), p.zeroPoint(), qmin, qmax,
          out, 0);
      double err = 0;
      for (int k = 0; k < centres.length; k++) {
        double d = (double) out[k] - centres[k];
        err += counts[k] * d * d;
      }
      return err;
    }
  }
}
