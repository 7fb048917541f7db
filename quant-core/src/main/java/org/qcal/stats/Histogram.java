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
 * Counts of finite values on a fixed {@link HistogramGrid}. Counts are longs and merge by
 * addition, so any split of the data, merged in any order, gives identical counts. NaN and
 * infinities are skipped ({@link TensorStats} counts them).
 *
 * <p><b>Byte layout</b> of {@link #toByteArray()}, little endian:
 *
 * <pre>
 * offset size
 *  0     1    format version (1)
 *  1     1    family (2 = Histogram)
 *  2     2    reserved, 0
 *  4     4    bin width w (float32)
 *  8     4    negBins (int32)
 * 12     4    posBins (int32)
 * 16     8*n  counts (int64), n = negBins + posBins, most negative bin first
 * </pre>
 *
 * <p>Not thread safe. Kryo-friendly: plain fields, private no-arg constructor.
 */
public final class Histogram implements Serializable {
  private static final long serialVersionUID = 1L;

  static final byte FAMILY = 2;
  private static final int HEADER_BYTES = 16;

  private HistogramGrid grid;
  private long[] counts;

  private Histogram() {}

  /** An empty histogram on {@code grid}. */
  public Histogram(HistogramGrid grid) {
    this.grid = Check.notNull(grid, "grid");
    this.counts = new long[grid.totalBins()];
  }

  /** A histogram with the given counts, e.g. hand-built for tests; counts must be >= 0. */
  public static Histogram of(HistogramGrid grid, long[] counts) {
    Check.notNull(grid, "grid");
    Check.notNull(counts, "counts");
    Check.that(counts.length == grid.totalBins(), "counts length", "the grid's "
        + grid.totalBins() + " bins", counts.length);
    Histogram h = new Histogram(grid);
    for (int i = 0; i < counts.length; i++) {
      Check.that(counts[i] >= 0, "count[" + i + "]", ">= 0", counts[i]);
      h.counts[i] = counts[i];
    }
    return h;
  }

  /** Adds every finite value of the array. */
  public Histogram update(float[] a) {
    Check.notNull(a, "values");
    return update(a, 0, a.length);
  }

  /** Adds every finite value of {@code a[off, off + len)}. */
  public Histogram update(float[] a, int off, int len) {
    Check.slice(a, off, len, "values");
    Kernels.get().histogram(a, off, len, grid.invWidth(), grid.negBins(), grid.posBins(), counts);
    return this;
  }

  /** Adds the other histogram's counts (the other is unchanged); the grids must be equal. */
  public Histogram merge(Histogram other) {
    Check.notNull(other, "other histogram");
    if (!grid.equals(other.grid)) {
      throw new QcalException("histograms must share one grid to merge, got " + grid + " and "
          + other.grid);
    }
    long[] add = other == this ? other.counts.clone() : other.counts;
    for (int i = 0; i < counts.length; i++) {
      counts[i] += add[i];
    }
    return this;
  }

  /**
   * The |x| histogram on {@link HistogramGrid#folded()}: {@code folded[j] = pos[j] + neg[j]},
   * where {@code pos[j]} counts {@code [j w, (j + 1) w)} and {@code neg[j]} counts {@code (-(j +
   * 1) w, -j w]}; a missing side contributes 0. This is the histogram of |x| on the folded grid
   * with one exception: a value lying exactly on the outer edge of the shorter side ({@code x =
   * posBins * w}, say) was clamped into that side's last bin, where it stays.
   */
  public Histogram foldAbs() {
    int neg = grid.negBins();
    Histogram f = new Histogram(grid.folded());
    for (int j = 0; j < f.counts.length; j++) {
      long p = j < grid.posBins() ? counts[neg + j] : 0;
      long n = j < neg ? counts[neg - 1 - j] : 0;
      f.counts[j] = p + n;
    }
    return f;
  }

  public HistogramGrid grid() {
    return grid;
  }

  public int bins() {
    return counts.length;
  }

  /** Count of bin {@code i}, 0-based over all bins, most negative first. */
  public long count(int i) {
    Check.slice(counts.length, i, 1, "bin");
    return counts[i];
  }

  /** A copy of the counts. */
  public long[] counts() {
    return counts.clone();
  }

  /** Sum of all counts. */
  public long total() {
    return Arrays.stream(counts).sum();
  }

  /** The documented little-endian layout (class comment). */
  public byte[] toByteArray() {
    ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + 8 * counts.length)
        .order(ByteOrder.LITTLE_ENDIAN);
    Layout.writeHeader(out, FAMILY);
    out.putFloat(grid.width()).putInt(grid.negBins()).putInt(grid.posBins());
    for (long c : counts) {
      out.putLong(c);
    }
    return out.array();
  }

  /** Reads {@link #toByteArray()}'s layout; malformed bytes give a {@link QcalException}. */
  public static Histogram fromByteArray(byte[] bytes) {
    Check.notNull(bytes, "Histogram bytes");
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    try {
      Layout.header(in, FAMILY, "Histogram");
      HistogramGrid grid = HistogramGrid.ofWidth(in.getFloat(), in.getInt(), in.getInt());
      Check.that(in.remaining() == 8L * grid.totalBins(), "Histogram bytes after the header",
          8L * grid.totalBins() + " bytes for " + grid, in.remaining());
      long[] counts = new long[grid.totalBins()];
      for (int i = 0; i < counts.length; i++) {
        counts[i] = in.getLong();
      }
      return of(grid, counts);
    } catch (BufferUnderflowException e) {
      throw new QcalException("Histogram bytes must hold a complete state, got " + bytes.length
          + " bytes", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Histogram && grid.equals(((Histogram) o).grid)
        && Arrays.equals(counts, ((Histogram) o).counts);
  }

  @Override
  public int hashCode() {
    return 31 * grid.hashCode() + Arrays.hashCode(counts);
  }

  @Override
  public String toString() {
    return "Histogram{" + grid + ", total=" + total() + "}";
  }
}
