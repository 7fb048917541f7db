package org.qcal.metrics;

import java.io.Serializable;
import org.qcal.Check;
import org.qcal.QcalException;
import org.qcal.stats.Layout;

/**
 * How far a quantized model's output agrees with the FP32 model's, for outputs that are not one
 * vector of class scores per row. Plain {@code long} counts, so merging partials in any order or
 * partitioning gives the same result.
 *
 * <ul>
 *   <li><b>Positions</b> (per-step or per-pixel classes): a row's output is {@code [outer,
 *       classes, inner]} (e.g. {@code [steps, classes]} with inner 1, or {@code [classes, H, W]}
 *       with outer 1); each (outer, inner) position is one prediction, its argmax over the
 *       classes (the first maximum on ties). Counted: positions, and positions whose argmax
 *       equals FP32's; rows, and rows whose every position does (a decoded sequence that is
 *       identical before any collapsing).
 *   <li><b>Maps</b> (dense scores such as a segmentation mask): each element is positive when
 *       above a threshold. Counted: elements on the same side as FP32's, and the intersection
 *       and union of the positive elements (their IoU).
 * </ul>
 *
 * <p><b>Byte layout</b> of {@link #toByteArray()}, little endian:
 *
 * <pre>
 * offset size
 *  0     1    format version (1)
 *  1     1    family (5 = OutputAgreement)
 *  2     2    reserved, 0
 *  4     8    positions (int64)
 * 12     8    positions equal
 * 20     8    rows
 * 28     8    rows equal
 * 36     8    map elements
 * 44     8    elements on the same side
 * 52     8    intersection
 * 60     8    union
 * </pre>
 */
public final class OutputAgreement implements Serializable {
  private static final long serialVersionUID = 1L;

  static final byte FAMILY = 5;

  private long positions;
  private long positionsEqual;
  private long rows;
  private long rowsEqual;
  private long elements;
  private long sameSide;
  private long intersection;
  private long union;

  /**
   * Counts the argmax positions of {@code rowCount} rows of {@code [outer, classes, inner]}
   * values each, FP32's {@code ref} against {@code cand}, both starting at index 0.
   */
  public OutputAgreement updatePositions(float[] ref, float[] cand, int rowCount, int outer,
      int classes, int inner) {
    int rowSize = outer * classes * inner;
    if (classes < 1 || (long) rowCount * rowSize > Math.min(ref.length, cand.length)) {
      throw new IllegalArgumentException("positions of " + rowCount + " rows of [" + outer
          + ", " + classes + ", " + inner + "] do not fit arrays of " + ref.length + " and "
          + cand.length);
    }
    for (int r = 0; r < rowCount; r++) {
      boolean all = true;
      for (int o = 0; o < outer; o++) {
        int base = r * rowSize + o * classes * inner;
        for (int i = 0; i < inner; i++) {
          boolean equal = argmax(ref, base + i, classes, inner)
              == argmax(cand, base + i, classes, inner);
          positionsEqual += equal ? 1 : 0;
          all &= equal;
        }
      }
      positions += (long) outer * inner;
      rowsEqual += all ? 1 : 0;
    }
    rows += rowCount;
    return this;
  }

  private static int argmax(float[] v, int start, int classes, int stride) {
    int best = 0;
    float max = v[start];
    for (int c = 1; c < classes; c++) {
      float x = v[start + c * stride];
      if (x > max || (Float.isNaN(max) && !Float.isNaN(x))) {
        max = x;
        best = c;
      }
    }
    return best;
  }

  /** Counts {@code n} map elements, positive when {@code > threshold}. */
  public OutputAgreement updateMap(float[] ref, float[] cand, int n, float threshold) {
    if (n > Math.min(ref.length, cand.length)) {
      throw new IllegalArgumentException(n + " map elements do not fit arrays of " + ref.length
          + " and " + cand.length);
    }
    for (int i = 0; i < n; i++) {
      boolean a = ref[i] > threshold;
      boolean b = cand[i] > threshold;
      sameSide += a == b ? 1 : 0;
      intersection += a && b ? 1 : 0;
      union += a || b ? 1 : 0;
    }
    elements += n;
    return this;
  }

  /** Adds {@code other}'s counts and returns this. */
  public OutputAgreement merge(OutputAgreement other) {
    positions += other.positions;
    positionsEqual += other.positionsEqual;
    rows += other.rows;
    rowsEqual += other.rowsEqual;
    elements += other.elements;
    sameSide += other.sameSide;
    intersection += other.intersection;
    union += other.union;
    return this;
  }

  /** The documented little-endian layout (class comment). */
  public byte[] toByteArray() {
    return Layout.ofCounts(FAMILY, positions, positionsEqual, rows, rowsEqual, elements,
        sameSide, intersection, union);
  }

  /** Reads {@link #toByteArray()}'s layout; malformed bytes give a {@link QcalException}. */
  public static OutputAgreement fromByteArray(byte[] bytes) {
    long[] v = Layout.counts(bytes, FAMILY, 8, "OutputAgreement");
    OutputAgreement a = new OutputAgreement();
    a.positions = v[0];
    a.positionsEqual = v[1];
    a.rows = v[2];
    a.rowsEqual = v[3];
    a.elements = v[4];
    a.sameSide = v[5];
    a.intersection = v[6];
    a.union = v[7];
    Check.that(a.positionsEqual <= a.positions && a.rowsEqual <= a.rows
        && a.sameSide <= a.elements && a.intersection <= a.union && a.union <= a.elements,
        "OutputAgreement counts", "equal <= all, intersection <= union <= elements",
        java.util.Arrays.toString(v));
    return a;
  }

  public long positions() {
    return positions;
  }

  public long positionsEqual() {
    return positionsEqual;
  }

  public long rows() {
    return rows;
  }

  public long rowsEqual() {
    return rowsEqual;
  }

  public long elements() {
    return elements;
  }

  public long sameSide() {
    return sameSide;
  }

  public long intersection() {
    return intersection;
  }

  public long union() {
    return union;
  }

  /** IoU of the positive elements in %: 100 when neither map has any (nothing to disagree on). */
  public double iouPercent() {
    return union == 0 ? (elements == 0 ? Double.NaN : 100.0) : 100.0 * intersection / union;
  }
}
