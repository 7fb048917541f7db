package org.qcal.metrics;

import java.io.Serializable;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;
import org.qcal.Check;
import org.qcal.QcalException;
import org.qcal.kernels.Kernels;
import org.qcal.stats.ExactSum;
import org.qcal.stats.Layout;

/**
 * The additive error sums between a reference signal {@code x} (e.g. an FP32 tensor) and an
 * approximation {@code y} of it (the same tensor from a quantized model): {@code sum x^2},
 * {@code sum y^2}, {@code sum x*y} and {@code sum (x - y)^2}, from which {@link #sqnrDb()},
 * {@link #cosine()} and {@link #meanSquaredError()} derive.
 *
 * <p><b>Exact merges.</b> Each sample's four sums are formed by the kernel ({@link
 * org.qcal.kernels.TensorKernels#errorSums}, a fixed lane order, so the same sample gives the same
 * doubles on every machine and with either kernel implementation) and then added into {@link
 * ExactSum}s, which add exactly. A sample's contribution depends on that sample alone, never on
 * which batch or partition it came in, and merging is exact and order free: the sums are
 * bit-identical whatever the partitioning, merge order or retries.
 *
 * <p><b>Tensors whose first dim is not the batch</b> ({@link #updateBatch}): a batch that cannot
 * be cut into rows adds its element pairs one by one (the kernel's sums of a one-element slice,
 * into the exact sums), so the sums do not depend on which rows shared a batch either; {@link
 * #samples()} counts the rows fed.
 *
 * <p>Pairs where {@code x} or {@code y} is not finite are skipped by the kernel (they enter no
 * sum) but are still counted in {@link #elements()}.
 *
 * <p><b>Byte layout</b> of {@link #toByteArray()}, little endian:
 *
 * <pre>
 * offset size
 *  0     1    format version (1)
 *  1     1    family (3 = ErrorSums)
 *  2     2    reserved, 0
 *  4     8    samples (int64)
 * 12     8    elements (int64), the skipped non-finite pairs included
 * 20     ...  four ExactSums (layout in ExactSum): sum x^2, sum y^2, sum x*y, sum (x - y)^2
 * </pre>
 *
 * <p>Not thread safe.
 */
public final class ErrorSums implements Serializable {
  private static final long serialVersionUID = 1L;

  static final byte FAMILY = 3;
  private static final int HEADER_BYTES = 20;

  private final ExactSum x2 = new ExactSum();
  private final ExactSum y2 = new ExactSum();
  private final ExactSum xy = new ExactSum();
  private final ExactSum d2 = new ExactSum();
  private long samples;
  private long elements;
  /** The kernel's per-sample output; not state. */
  private transient double[] scratch;

  public ErrorSums() {}

  /** Adds one sample: {@code x[xOff, xOff + len)} against {@code y[yOff, yOff + len)}. */
  public ErrorSums update(float[] x, int xOff, float[] y, int yOff, int len) {
    Kernels.checkRange(x, xOff, len);
    Kernels.checkRange(y, yOff, len);
    add(x, xOff, y, yOff, len);
    return this;
  }

  /**
   * Adds {@code rows} samples of {@code perRow} values each, laid out one after the other from
   * {@code xOff} and {@code yOff} (a batch of a model output, row-major with the batch first).
   */
  public ErrorSums updateRows(float[] x, int xOff, float[] y, int yOff, int rows, int perRow) {
    Check.atLeast(rows, 0, "rows");
    Check.atLeast(perRow, 0, "values per row");
    int len = Math.multiplyExact(rows, perRow);
    Kernels.checkRange(x, xOff, len);
    Kernels.checkRange(y, yOff, len);
    for (int r = 0; r < rows; r++) {
      add(x, xOff + r * perRow, y, yOff + r * perRow, perRow);
    }
    return this;
  }

  /**
   * Adds one batch of a tensor of any {@code shape} fed {@code rows} rows: per row when the
   * first dim is the rows, else element by element (class comment). A shape that does not fit
   * the arrays is the caller's bug.
   */
  public ErrorSums updateBatch(float[] x, int xOff, float[] y, int yOff, long[] shape, int rows) {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    if (rows < 1 || n < 0 || n > x.length - (long) xOff || n > y.length - (long) yOff) {
      throw new IllegalArgumentException("tensor of shape " + java.util.Arrays.toString(shape)
          + " for " + rows + " rows does not fit the buffers");
    }
    int len = (int) n;
    if (shape.length > 0 && shape[0] == rows) {
      return updateRows(x, xOff, y, yOff, rows, len / rows);
    }
    for (int i = 0; i < len; i++) {
      addSums(x, xOff + i, y, yOff + i, 1); // one element: its sums do not depend on the batch
    }
    samples += rows;
    elements += len;
    return this;
  }

  private void add(float[] x, int xOff, float[] y, int yOff, int len) {
    addSums(x, xOff, y, yOff, len);
    samples++;
    elements += len;
  }

  /** The kernel's four sums of the slice, added exactly; no counter changes. */
  private void addSums(float[] x, int xOff, float[] y, int yOff, int len) {
    if (scratch == null) {
      scratch = new double[4];
    }
    double[] s = scratch;
    s[0] = 0;
    s[1] = 0;
    s[2] = 0;
    s[3] = 0;
    Kernels.get().errorSums(x, xOff, y, yOff, len, s);
    x2.add(s[0]);
    y2.add(s[1]);
    xy.add(s[2]);
    d2.add(s[3]);
  }

  /** Adds {@code other}'s sums to this one's exactly and returns this; {@code other} is unchanged. */
  public ErrorSums merge(ErrorSums other) {
    Check.notNull(other, "error sums to merge");
    x2.merge(other.x2);
    y2.merge(other.y2);
    xy.merge(other.xy);
    d2.merge(other.d2);
    samples += other.samples;
    elements += other.elements;
    return this;
  }

  /** A deep copy. */
  public ErrorSums copy() {
    return new ErrorSums().merge(this);
  }

  /** Samples (rows) added. */
  public long samples() {
    return samples;
  }

  /** Value pairs added, the skipped non-finite ones included. */
  public long elements() {
    return elements;
  }

  /** {@code sum x^2} (the reference's energy), rounded once to double. */
  public double sumX2() {
    return x2.doubleValue();
  }

  /** {@code sum y^2}, rounded once to double. */
  public double sumY2() {
    return y2.doubleValue();
  }

  /** {@code sum x*y}, rounded once to double. */
  public double sumXY() {
    return xy.doubleValue();
  }

  /** {@code sum (x - y)^2} (the error's energy), rounded once to double. */
  public double sumSquaredError() {
    return d2.doubleValue();
  }

  /**
   * Signal-to-quantization-noise ratio in dB, {@code 10 log10(sum x^2 / sum (x - y)^2)}: +Infinity
   * when the error is zero (y reproduces x exactly), -Infinity when x is all zeros but y is not,
   * NaN before any sample.
   */
  public double sqnrDb() {
    if (samples == 0) {
      return Double.NaN;
    }
    double noise = sumSquaredError();
    if (noise == 0) {
      return Double.POSITIVE_INFINITY;
    }
    return 10 * Math.log10(sumX2() / noise);
  }

  /**
   * Cosine similarity {@code sum x*y / sqrt(sum x^2 * sum y^2)}, in [-1, 1]: 1 when both signals
   * are all zeros, 0 when exactly one is, NaN before any sample.
   */
  public double cosine() {
    if (samples == 0) {
      return Double.NaN;
    }
    double xx = sumX2();
    double yy = sumY2();
    if (xx == 0 || yy == 0) {
      return xx == yy ? 1.0 : 0.0;
    }
    // sqrt(x2 * y2) gives exactly 1 for y == x (sqrt of a rounded square is exact); the square
    // roots apart only where the product would overflow or lose precision to subnormals.
    double product = xx * yy;
    double norm = Double.isFinite(product) && product >= Double.MIN_NORMAL
        ? Math.sqrt(product) : Math.sqrt(xx) * Math.sqrt(yy);
    double c = sumXY() / norm;
    return Math.max(-1.0, Math.min(1.0, c));
  }

  /** {@code sum (x - y)^2 / elements}; NaN before any element. */
  public double meanSquaredError() {
    return elements == 0 ? Double.NaN : sumSquaredError() / elements;
  }

  /** The documented little-endian layout (class comment). */
  public byte[] toByteArray() {
    ExactSum[] sums = {x2, y2, xy, d2};
    int size = HEADER_BYTES;
    for (ExactSum s : sums) {
      size += s.serializedSize();
    }
    ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    Layout.writeHeader(out, FAMILY);
    out.putLong(samples).putLong(elements);
    for (ExactSum s : sums) {
      s.writeTo(out);
    }
    return out.array();
  }

  /** Reads {@link #toByteArray()}'s layout; malformed bytes give a {@link QcalException}. */
  public static ErrorSums fromByteArray(byte[] bytes) {
    Check.notNull(bytes, "ErrorSums bytes");
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    try {
      Layout.header(in, FAMILY, "ErrorSums");
      ErrorSums sums = new ErrorSums();
      sums.samples = in.getLong();
      sums.elements = in.getLong();
      for (ExactSum s : new ExactSum[] {sums.x2, sums.y2, sums.xy, sums.d2}) {
        s.merge(ExactSum.readFrom(in));
      }
      Layout.end(in, "ErrorSums");
      Check.that(sums.samples >= 0 && sums.elements >= 0, "ErrorSums counts", "non-negative",
          sums.samples + " samples, " + sums.elements + " elements");
      Check.that(sums.sumX2() >= 0 && sums.sumY2() >= 0 && sums.sumSquaredError() >= 0,
          "ErrorSums sums of squares", "non-negative", "x^2 " + sums.sumX2() + ", y^2 "
              + sums.sumY2() + ", (x - y)^2 " + sums.sumSquaredError());
      return sums;
    } catch (BufferUnderflowException e) {
      throw new QcalException("ErrorSums bytes must hold a complete state, got " + bytes.length
          + " bytes", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ErrorSums e && samples == e.samples && elements == e.elements
        && x2.equals(e.x2) && y2.equals(e.y2) && xy.equals(e.xy) && d2.equals(e.d2);
  }

  @Override
  public int hashCode() {
    return Objects.hash(x2, y2, xy, d2, samples, elements);
  }

  @Override
  public String toString() {
    return "ErrorSums{samples " + samples + ", sqnr " + sqnrDb() + " dB, cosine " + cosine()
        + "}";
  }
}
