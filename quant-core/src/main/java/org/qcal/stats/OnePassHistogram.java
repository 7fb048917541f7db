package org.qcal.stats;

import java.io.Serializable;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.qcal.Check;
import org.qcal.QcalException;
import org.qcal.kernels.Kernels;

/**
 * A histogram whose grid needs no first pass over the data (docs/DESIGN.md, "One pass"): the
 * zero-aligned grid of {@link HistogramGrid} with a bin width that is a power of two, {@code w =
 * 2^e}, and {@code N} bins on each side. When a value reaches {@code N w} the width doubles as
 * often as needed and each new bin is the sum of the two (or {@code 2^k}) old bins it covers.
 *
 * <p><b>Exact, whatever the order.</b> The histogram kernel bins {@code x} by {@code trunc(|x| *
 * (1/w))} in float32; with {@code 1/w} a power of two that product is exact (a float times a
 * power of two, short of overflow, or of a product below 1 where both truncate to 0), so the bin
 * is {@code floor(|x| / w)}, and {@code floor(floor(y) / 2) = floor(y / 2)}: summing bin pairs is
 * binning at {@code 2w}. Two histograms merge by coarsening the finer to the coarser width. The
 * final width is thus a function of the largest |x| alone, the smallest {@code 2^e >=
 * 2^-126} with {@code |x|max < N 2^e}, and the counts are those of binning every value directly
 * at it: any split of the data, merged in any order, gives identical counts.
 *
 * <p><b>Resolution.</b> At the final width the side holding the absmax spans between {@code N/2}
 * and {@code N} bins ({@code |x|max / w} lies in {@code [N/2, N)}), so {@code N = 2 B} gives at
 * least the {@code B} bins per side of the two-pass grid ({@link HistogramGrid#of}); the cost is
 * {@code 2N} counts per tensor, twice the two-pass histogram's.
 *
 * <p>{@link #toHistogram()} gives the counts as a {@link Histogram} on the grid {@code w} with
 * the bins up to the outermost non-empty one on each side, which the calibrators read as any
 * other. An empty histogram has width {@code 2^-126}, the {@link HistogramGrid#isDegenerate()
 * degenerate} floor, as does a tensor whose absmax is below {@code N 2^-126}.
 *
 * <p><b>Byte layout</b> of {@link #toByteArray()}, little endian; bins outside the used ones are
 * zero and not stored:
 *
 * <pre>
 * offset size
 *  0     4    preamble: format version (1), family (8 = OnePassHistogram), reserved 0
 *  4     4    exponent e of the bin width 2^e (int32, -126 ..)
 *  8     4    N, bins per side (int32)
 * 12     4    usedNeg: negative bins stored, the outermost non-empty one and all inside it
 * 16     4    usedPos: the same on the positive side
 * 20     8*n  counts (int64), n = usedNeg + usedPos, most negative first
 * </pre>
 *
 * <p>Not thread safe. Kryo-friendly: plain fields, private no-arg constructor.
 */
public final class OnePassHistogram implements Serializable {
  private static final long serialVersionUID = 1L;

  static final byte FAMILY = 8;
  /** The smallest exponent: {@code 2^-126} is Float.MIN_NORMAL, so {@code 1/w} stays finite. */
  public static final int MIN_EXPONENT = Float.MIN_EXPONENT;
  private static final int HEADER_BYTES = 20;

  private int exponent;
  private int binsPerSide;
  /** {@code N} negative bins, the one nearest 0 last, then {@code N} positive bins. */
  private long[] counts;

  private OnePassHistogram() {}

  /** An empty histogram with {@code binsPerSide} bins on each side of zero. */
  public OnePassHistogram(int binsPerSide) {
    Check.that(binsPerSide >= 1 && 2L * binsPerSide <= Kernels.MAX_BINS, "one-pass bins per side",
        "in [1, " + Kernels.MAX_BINS / 2 + "]", binsPerSide);
    this.exponent = MIN_EXPONENT;
    this.binsPerSide = binsPerSide;
    this.counts = new long[2 * binsPerSide];
  }

  /**
   * Adds every finite value of {@code a[off, off + len)}; {@code min} and {@code max} must bound
   * those values (the running range of {@link TensorStats} does): the width grows first to cover
   * them, so the kernel never clamps.
   */
  public OnePassHistogram update(float[] a, int off, int len, float min, float max) {
    Check.slice(a, off, len, "values");
    Check.finite(min, "values' min");
    Check.finite(max, "values' max");
    coarsenTo(exponentFor(Math.max(Math.abs(min), Math.abs(max)), binsPerSide));
    Kernels.get().histogram(a, off, len, Math.scalb(1f, -exponent), binsPerSide, binsPerSide,
        counts);
    return this;
  }

  /** Adds the other histogram's counts (the other is unchanged); N must be equal. */
  public OnePassHistogram merge(OnePassHistogram other) {
    Check.notNull(other, "other histogram");
    if (other.binsPerSide != binsPerSide) {
      throw new QcalException("one-pass histograms must have the same bins per side to merge, got "
          + binsPerSide + " and " + other.binsPerSide);
    }
    long[] add = other.counts;
    if (other.exponent < exponent || other == this) {
      add = other.copy().coarsenTo(exponent).counts;
    }
    coarsenTo(other.exponent);
    for (int i = 0; i < counts.length; i++) {
      counts[i] += add[i];
    }
    return this;
  }

  /**
   * The smallest exponent {@code e >= -126} with {@code trunc(absMax * 2^-e) < n}, computed as the
   * kernel computes bins: the width a histogram of values up to {@code absMax} needs.
   */
  static int exponentFor(float absMax, int n) {
    int e = Math.max(MIN_EXPONENT, Math.getExponent(absMax) - 32); // absMax * 2^-e >= 2^32 > n
    while ((long) Math.scalb(absMax, -e) >= n) {
      e++;
    }
    return e;
  }

  /** Doubles the width until it is {@code 2^target} (nothing if it is already as wide). */
  private OnePassHistogram coarsenTo(int target) {
    int shift = target - exponent;
    if (shift <= 0) {
      return this;
    }
    int n = binsPerSide;
    long[] coarse = new long[counts.length];
    for (int m = 0; m < n; m++) {
      int to = shift >= 31 ? 0 : m >> shift;
      coarse[n + to] += counts[n + m];
      coarse[n - 1 - to] += counts[n - 1 - m];
    }
    counts = coarse;
    exponent = target;
    return this;
  }

  private OnePassHistogram copy() {
    OnePassHistogram h = new OnePassHistogram();
    h.exponent = exponent;
    h.binsPerSide = binsPerSide;
    h.counts = counts.clone();
    return h;
  }

  /** The bin width {@code 2^e}. */
  public float width() {
    return Math.scalb(1f, exponent);
  }

  public int exponent() {
    return exponent;
  }

  public int binsPerSide() {
    return binsPerSide;
  }

  /** Negative bins up to the outermost non-empty one. */
  int usedNeg() {
    int used = binsPerSide;
    while (used > 0 && counts[binsPerSide - used] == 0) {
      used--;
    }
    return used;
  }

  /** Positive bins up to the outermost non-empty one. */
  int usedPos() {
    int used = binsPerSide;
    while (used > 0 && counts[binsPerSide + used - 1] == 0) {
      used--;
    }
    return used;
  }

  /**
   * The counts on the grid of width {@code 2^e} trimmed to the used bins on each side (one
   * positive bin when empty), for the calibrators and the report.
   */
  public Histogram toHistogram() {
    int neg = usedNeg();
    int pos = neg + usedPos() == 0 ? 1 : usedPos();
    return Histogram.of(HistogramGrid.ofWidth(width(), neg, pos),
        Arrays.copyOfRange(counts, binsPerSide - neg, binsPerSide + pos));
  }

  /** Sum of all counts. */
  public long total() {
    return Arrays.stream(counts).sum();
  }

  /** The documented little-endian layout (class comment). */
  public byte[] toByteArray() {
    int neg = usedNeg();
    int pos = usedPos();
    ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + 8 * (neg + pos))
        .order(ByteOrder.LITTLE_ENDIAN);
    Layout.writeHeader(out, FAMILY);
    out.putInt(exponent).putInt(binsPerSide).putInt(neg).putInt(pos);
    for (int i = binsPerSide - neg; i < binsPerSide + pos; i++) {
      out.putLong(counts[i]);
    }
    return out.array();
  }

  /** Reads {@link #toByteArray()}'s layout; malformed bytes give a {@link QcalException}. */
  public static OnePassHistogram fromByteArray(byte[] bytes) {
    Check.notNull(bytes, "OnePassHistogram bytes");
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    try {
      Layout.header(in, FAMILY, "OnePassHistogram");
      int exponent = in.getInt();
      OnePassHistogram h = new OnePassHistogram(in.getInt());
      Check.that(exponent >= MIN_EXPONENT && exponent <= Float.MAX_EXPONENT,
          "OnePassHistogram exponent", "in [" + MIN_EXPONENT + ", " + Float.MAX_EXPONENT + "]",
          exponent);
      h.exponent = exponent;
      int neg = in.getInt();
      int pos = in.getInt();
      Check.that(neg >= 0 && neg <= h.binsPerSide && pos >= 0 && pos <= h.binsPerSide,
          "OnePassHistogram used bins", "in [0, " + h.binsPerSide + "] per side",
          neg + " negative, " + pos + " positive");
      Check.that(in.remaining() == 8L * (neg + pos), "OnePassHistogram bytes after the header",
          8L * (neg + pos) + " bytes", in.remaining());
      for (int i = h.binsPerSide - neg; i < h.binsPerSide + pos; i++) {
        long c = in.getLong();
        Check.that(c >= 0, "count[" + i + "]", ">= 0", c);
        h.counts[i] = c;
      }
      return h;
    } catch (BufferUnderflowException e) {
      throw new QcalException("OnePassHistogram bytes must hold a complete state, got "
          + bytes.length + " bytes", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OnePassHistogram h && exponent == h.exponent
        && binsPerSide == h.binsPerSide && Arrays.equals(counts, h.counts);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * exponent + binsPerSide) + Arrays.hashCode(counts);
  }

  @Override
  public String toString() {
    return "OnePassHistogram{w=2^" + exponent + ", binsPerSide=" + binsPerSide + ", total="
        + total() + "}";
  }
}
