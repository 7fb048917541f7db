package org.qcal.jobs.api;

import java.io.Serializable;
import java.util.List;
import org.qcal.jobs.io.LoadedInputModel;
import org.qcal.onnx.SmoothQuant;

/**
 * SmoothQuant's per-channel scales of each smoothed activation (docs/DESIGN.md, "SmoothQuant"),
 * derived from the calibration rows' per-channel max |x|: data, like the ranges, so
 * calibration.json stores them and validate and tune rebuild the same smoothed graph, and from
 * it the same export bytes.
 *
 * @param alpha the migration strength the scales were derived with
 * @param sites every smoothed activation, in graph order
 */
public record SmoothingScales(double alpha, List<Site> sites) implements Serializable {
  /** No smoothing. */
  public static final SmoothingScales NONE = new SmoothingScales(0, List.of());

  /**
   * One smoothed activation.
   *
   * @param input the tensor, as named in the model given
   * @param linears the indices of the MatMul and Gemm nodes whose weights absorb the scale
   * @param scale {@code s} per channel of the last axis
   * @param activationMax the calibration rows' max |x| per channel, which {@code scale} came from
   */
  public record Site(String input, List<Integer> linears, float[] scale, float[] activationMax)
      implements Serializable {
    public Site {
      linears = List.copyOf(linears);
    }

    /** The largest channel max over the median one: how far the outlier channels stand out. */
    public double outlierRatio() {
      float[] sorted = activationMax.clone();
      java.util.Arrays.sort(sorted);
      float median = sorted[sorted.length / 2];
      return median == 0 ? Double.POSITIVE_INFINITY : sorted[sorted.length - 1] / median;
    }
  }

  public SmoothingScales {
    sites = List.copyOf(sites);
  }

  public boolean isEmpty() {
    return sites.isEmpty();
  }

  /** {@code fp32} with the scales folded into the graph qcal quantizes. */
  public LoadedInputModel applyTo(LoadedInputModel fp32) {
    if (isEmpty()) {
      return fp32;
    }
    return fp32.withToQuantize(SmoothQuant.apply(fp32.toQuantize(), sites.stream()
        .map(s -> new SmoothQuant.Smoothing(s.input(), s.linears(), s.scale())).toList()));
  }
}
