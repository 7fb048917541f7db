package org.qcal.metrics;

import java.io.Serializable;
import java.util.Objects;
import org.qcal.Check;
import org.qcal.QcalException;
import org.qcal.stats.Layout;

/**
 * Additive classification counts of one model over a validation set: samples seen, and among
 * them top-1 and top-5 hits against labels and top-1 agreement with a reference model's
 * predictions. Every field is a {@code long} count, so {@link #merge} is plain addition: the
 * result is the same whatever the partitioning, merge order or split, and rates are derived only
 * at the end, by the caller.
 *
 * <p>Predictions follow {@link TopK}'s order (ties to the lower class index; NaN last). Top-5 is
 * counted with {@code k =} {@value #TOP5}; with fewer than 5 classes every label is in the top 5.
 *
 * <p><b>Byte layout</b> of {@link #toByteArray()}, little endian:
 *
 * <pre>
 * offset size
 *  0     1    format version (1)
 *  1     1    family (4 = ClassificationCounts)
 *  2     2    reserved, 0
 *  4     8    samples (int64)
 * 12     8    labeled
 * 20     8    top-1 correct
 * 28     8    top-5 correct
 * 36     8    compared with a reference prediction
 * 44     8    agreed with it
 * </pre>
 *
 * <p>Not thread safe. A no-arg constructor.
 */
public final class ClassificationCounts implements Serializable {
  private static final long serialVersionUID = 1L;

  static final byte FAMILY = 4;

  /** The k of the top-k count. */
  public static final int TOP5 = 5;

  private long samples;
  private long labeled;
  private long top1;
  private long top5;
  private long compared;
  private long agreed;

  public ClassificationCounts() {}

  /**
   * Counts {@code rows} consecutive rows of {@code classes} scores starting at {@code off}.
   *
   * @param labels the true class of each row ({@code rows} valid, each in {@code [0, classes)}),
   *     or null when the data has no labels
   * @param reference the reference model's prediction of each row ({@code rows} valid), or null
   *     when there is nothing to agree with
   */
  public ClassificationCounts update(float[] scores, int off, int rows, int classes,
      long[] labels, int[] reference) {
    Check.atLeast(rows, 0, "rows");
    Check.atLeast(classes, 1, "classes");
    Check.slice(scores, off, Math.multiplyExact(rows, classes), "scores");
    checkLength(labels, rows, "labels");
    checkLength(reference, rows, "reference predictions");
    int bad = firstLabelOutside(labels, rows, classes);
    if (bad >= 0) {
      // Checked before counting anything, so a refused batch leaves the counts unchanged.
      throw new QcalException("label of row " + bad + " must be in [0, " + classes + "), got "
          + labels[bad]);
    }
    for (int r = 0; r < rows; r++) {
      int row = off + r * classes;
      int predicted = TopK.argmax(scores, row, classes);
      if (labels != null) {
        long label = labels[r];
        labeled++;
        if (predicted == label) {
          top1++;
          top5++;
        } else if (TopK.rank(scores, row, classes, (int) label) < TOP5) {
          top5++;
        }
      }
      if (reference != null) {
        compared++;
        if (predicted == reference[r]) {
          agreed++;
        }
      }
    }
    samples += rows;
    return this;
  }

  /** Adds {@code other}'s counts to this one's and returns this; {@code other} is unchanged. */
  public ClassificationCounts merge(ClassificationCounts other) {
    Check.notNull(other, "counts to merge");
    samples += other.samples;
    labeled += other.labeled;
    top1 += other.top1;
    top5 += other.top5;
    compared += other.compared;
    agreed += other.agreed;
    return this;
  }

  /** A copy. */
  public ClassificationCounts copy() {
    return new ClassificationCounts().merge(this);
  }

  /** Rows counted. */
  public long samples() {
    return samples;
  }

  /** Rows counted with a label. */
  public long labeled() {
    return labeled;
  }

  /** Labelled rows whose prediction is the label. */
  public long top1Correct() {
    return top1;
  }

  /** Labelled rows whose label is among the {@value #TOP5} best classes. */
  public long top5Correct() {
    return top5;
  }

  /** Rows compared with a reference prediction. */
  public long compared() {
    return compared;
  }

  /** Compared rows whose prediction equals the reference's. */
  public long agreed() {
    return agreed;
  }

  /**
   * The first of {@code rows} labels outside the class range {@code [0, classes)}, or -1 when all
   * are inside (or {@code labels} is null): lets a caller name the row and column in its own
   * message before counting.
   */
  public static int firstLabelOutside(long[] labels, int rows, int classes) {
    if (labels == null) {
      return -1;
    }
    for (int r = 0; r < rows; r++) {
      if (labels[r] < 0 || labels[r] >= classes) {
        return r;
      }
    }
    return -1;
  }

  private static void checkLength(Object array, int rows, String name) {
    if (array instanceof long[] l) {
      Check.that(l.length >= rows, name + " length", ">= " + rows + " rows", l.length);
    } else if (array instanceof int[] i) {
      Check.that(i.length >= rows, name + " length", ">= " + rows + " rows", i.length);
    }
  }

  /** The documented little-endian layout (class comment). */
  public byte[] toByteArray() {
    return Layout.ofCounts(FAMILY, samples, labeled, top1, top5, compared, agreed);
  }

  /** Reads {@link #toByteArray()}'s layout; malformed bytes give a {@link QcalException}. */
  public static ClassificationCounts fromByteArray(byte[] bytes) {
    long[] v = Layout.counts(bytes, FAMILY, 6, "ClassificationCounts");
    ClassificationCounts c = new ClassificationCounts();
    c.samples = v[0];
    c.labeled = v[1];
    c.top1 = v[2];
    c.top5 = v[3];
    c.compared = v[4];
    c.agreed = v[5];
    Check.that(c.top1 <= c.top5 && c.top5 <= c.labeled && c.labeled <= c.samples
        && c.agreed <= c.compared && c.compared <= c.samples, "ClassificationCounts",
        "top-1 <= top-5 <= labeled <= samples and agreed <= compared <= samples", c);
    return c;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClassificationCounts c && samples == c.samples && labeled == c.labeled
        && top1 == c.top1 && top5 == c.top5 && compared == c.compared && agreed == c.agreed;
  }

  @Override
  public int hashCode() {
    return Objects.hash(samples, labeled, top1, top5, compared, agreed);
  }

  @Override
  public String toString() {
    return "ClassificationCounts{samples " + samples + ", top-1 " + top1 + "/" + labeled
        + ", top-5 " + top5 + "/" + labeled + ", agreed " + agreed + "/" + compared + "}";
  }
}
