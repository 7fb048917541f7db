package org.qcal.stats;

import java.io.Serializable;
import org.qcal.Check;
import org.qcal.QcalException;

/**
 * The zero-aligned histogram grid of docs/DESIGN.md: bin width {@code w}, {@code negBins} bins below 0
 * and {@code posBins} bins above, edges at {@code k * w} so that 0 is always an edge. Bin {@code
 * negBins + m} covers {@code [m w, (m + 1) w)} and bin {@code negBins - 1 - m} covers {@code (-(m +
 * 1) w, -m w]}, so folding the two sides gives the |x| histogram (see {@code
 * Histogram#foldAbs()}). A value on an outer edge (the data's extreme itself, when it is a
 * multiple of w) counts into the outermost bin, and bin membership follows the kernel's float
 * arithmetic {@code trunc(|x| * (1/w))} (see {@code TensorKernels#histogram}).
 *
 * <p>From a range and {@code N} bins per side: {@code lo = min(min, 0)}, {@code hi = max(max, 0)},
 * {@code w = max(|lo|, hi) / N} (in double, rounded to float32), {@code negBins = ceil(-lo / w)},
 * {@code posBins = ceil(hi / w)}; the side holding the absmax thus has N bins (N + 1 if float
 * rounding of w lands just below the exact quotient).
 *
 * <p><b>Degenerate ranges.</b> {@code w} is never below {@code Float.MIN_NORMAL} ({@code 2^-126}),
 * so that {@code 1/w} is a finite float32, and the grid has at least one bin. An all-zero range
 * (or a tensor without finite values) gives the single bin {@code [0, 2^-126)} ({@code negBins =
 * 0, posBins = 1}); a range whose absmax is below {@code N * 2^-126} gets fewer than N bins. Such
 * grids are {@link #isDegenerate() degenerate}: the histogram calibrators fall back to min/max on
 * them, since those ranges quantize to scale 1 or near it anyway.
 *
 * <p>Immutable value with {@code equals}/{@code hashCode}; Kryo-friendly (plain fields, private
 * no-arg constructor).
 */
public final class HistogramGrid implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Upper bound of bins per side: keeps {@code 2N + 2} counts well inside an array. */
  public static final int MAX_BINS_PER_SIDE = 1 << 24;

  private float width;
  private int negBins;
  private int posBins;

  private HistogramGrid() {}

  private HistogramGrid(float width, int negBins, int posBins) {
    this.width = width;
    this.negBins = negBins;
    this.posBins = posBins;
  }

  /** The grid of the range {@code [min, max]} with {@code binsPerSide} bins on the absmax side. */
  public static HistogramGrid of(float min, float max, int binsPerSide) {
    checkBinsPerSide(binsPerSide);
    Check.finite(min, "grid range min");
    Check.finite(max, "grid range max");
    Check.that(min <= max, "grid range", "min <= max", "[" + min + ", " + max + "]");
    double lo = Math.min(min, 0.0);
    double hi = Math.max(max, 0.0);
    double absmax = Math.max(-lo, hi);
    float w = Math.max((float) (absmax / binsPerSide), Float.MIN_NORMAL);
    int neg = (int) Math.ceil(-lo / w);
    int pos = (int) Math.ceil(hi / w);
    if (neg + pos == 0) {
      pos = 1;
    }
    return new HistogramGrid(w, neg, pos);
  }

  /** The grid of the finite range of {@code stats}; without finite values, the all-zero grid. */
  public static HistogramGrid of(TensorStats stats, int binsPerSide) {
    Check.notNull(stats, "stats");
    if (stats.hasNoFinite()) {
      return of(0f, 0f, binsPerSide);
    }
    return of(stats.min(), stats.max(), binsPerSide);
  }

  /** A grid given directly (deserialization, tests); see the class comment for the rules. */
  public static HistogramGrid ofWidth(float width, int negBins, int posBins) {
    if (!(width >= Float.MIN_NORMAL) || Float.isInfinite(width)) {
      throw new QcalException("grid width must be a finite float32 >= " + Float.MIN_NORMAL
          + ", got " + width);
    }
    Check.that(negBins >= 0 && posBins >= 0 && negBins <= MAX_BINS_PER_SIDE + 1
        && posBins <= MAX_BINS_PER_SIDE + 1 && negBins + posBins >= 1, "grid bins",
        "in [0, " + (MAX_BINS_PER_SIDE + 1) + "] per side and at least 1 in total",
        negBins + " negative, " + posBins + " positive");
    return new HistogramGrid(width, negBins, posBins);
  }

  static void checkBinsPerSide(int binsPerSide) {
    Check.that(binsPerSide >= 1 && binsPerSide <= MAX_BINS_PER_SIDE, "bins per side",
        "in [1, " + MAX_BINS_PER_SIDE + "]", binsPerSide);
  }

  /** Bin width {@code w}. */
  public float width() {
    return width;
  }

  /** {@code 1 / w} in float32, as the histogram kernel takes it. */
  public float invWidth() {
    return (float) (1.0 / width);
  }

  public int negBins() {
    return negBins;
  }

  public int posBins() {
    return posBins;
  }

  public int totalBins() {
    return negBins + posBins;
  }

  /** Bins of the folded |x| histogram: {@code max(negBins, posBins)}. */
  public int foldedBins() {
    return Math.max(negBins, posBins);
  }

  /** The grid of the folded |x| histogram: same width, no negative side. */
  public HistogramGrid folded() {
    return new HistogramGrid(width, 0, foldedBins());
  }

  /** Lower edge of bin {@code i} (0-based over all bins): {@code (i - negBins) * w}. */
  public double lowerEdge(int i) {
    return (double) (i - negBins) * width;
  }

  /** Centre of bin {@code i}: {@code (i - negBins + 0.5) * w}. */
  public double centre(int i) {
    return (i - negBins + 0.5) * width;
  }

  /** True when {@code w} sits at its floor {@code 2^-126} (all-zero or tiny ranges). */
  public boolean isDegenerate() {
    return width == Float.MIN_NORMAL;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof HistogramGrid)) {
      return false;
    }
    HistogramGrid g = (HistogramGrid) o;
    return Float.floatToIntBits(width) == Float.floatToIntBits(g.width) && negBins == g.negBins
        && posBins == g.posBins;
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Float.floatToIntBits(width) + negBins) + posBins;
  }

  @Override
  public String toString() {
    return "HistogramGrid{w=" + width + ", negBins=" + negBins + ", posBins=" + posBins + "}";
  }
}
