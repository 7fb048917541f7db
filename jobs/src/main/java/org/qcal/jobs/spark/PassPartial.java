package org.qcal.jobs.spark;

import org.qcal.QcalException;
import org.qcal.jobs.data.BadRow;
import org.qcal.stats.ChannelAbsMax;
import org.qcal.stats.Histogram;
import org.qcal.stats.OnePassHistogram;
import org.qcal.stats.TensorStats;

/**
 * What one partition of a pass returns, and what the pass's tree reduction merges: the rows seen
 * and, per tapped tensor (in plan order), its statistics and one-pass histogram (the one pass of
 * every method), its statistics alone (minmax, or pass 1 of two), or its fixed-grid histogram
 * (pass 2 of two); or its per-channel max |x| (SmoothQuant's pass).
 * Every merge is exact, so the result does not depend on the partitioning or the merge order.
 *
 * <p>A partition with a bad input row returns the earliest one in {@code badRow} instead of
 * failing its task; the merge keeps the earliest by position, and the driver throws it after the
 * reduction ({@link #requireNoBadRow()}): no task fails, so none is retried or killed mid-forward.
 *
 * <p><b>Byte layout</b> of {@link #toByteArray()}, little endian ({@link PartialLayout}): a
 * <i>part</i> is an int32 length {@code L}, then {@code L} bytes in that class's own layout; an
 * <i>array</i> is an int32 count {@code c}, then {@code c} parts ({@code c = -1}: none).
 *
 * <pre>
 * size    field
 * 4       preamble: format version (1), family (7 = PassPartial), reserved 0 (2 bytes)
 * 8       rows (int64)
 * 8       inferenceNanos (int64)
 * 8       copyNanos (int64)
 * 8       kernelNanos (int64)
 * part    the bad row in BadRow's layout; length 0 when there is none
 * array   stats: TensorStats per tapped tensor in plan order; -1 in pass 2 of two
 * array   histograms: Histogram per tapped tensor in plan order (pass 2 of two); -1 otherwise
 * array   onePass: OnePassHistogram per tapped tensor in plan order (one pass); -1 otherwise
 * array   channelMax: ChannelAbsMax per tapped tensor (SmoothQuant's pass); -1 otherwise
 * </pre>
 *
 * <p>It travels as these bytes: Spark's Kryo by {@link QcalKryoRegistrator}'s serializer.
 */
public final class PassPartial implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  public long rows;
  /** Time in the forward, minus the copy of outputs; summed over tasks. Logged, never written. */
  public long inferenceNanos;
  /** Time copying outputs out of ONNX Runtime's memory. */
  public long copyNanos;
  /** Time in the statistics kernels (the sink). */
  public long kernelNanos;
  public TensorStats[] stats;
  Histogram[] histograms;
  OnePassHistogram[] onePass;
  ChannelAbsMax[] channelMax;
  BadRow badRow;

  PassPartial() {}

  public static PassPartial ofStats(int tensors) {
    PassPartial p = new PassPartial();
    p.stats = new TensorStats[tensors];
    for (int i = 0; i < tensors; i++) {
      p.stats[i] = new TensorStats();
    }
    return p;
  }

  /** Statistics and one-pass histograms of {@code binsPerSide} bins per side, all empty. */
  public static PassPartial ofStatsAndHistograms(int tensors, int binsPerSide) {
    PassPartial p = ofStats(tensors);
    p.onePass = new OnePassHistogram[tensors];
    for (int i = 0; i < tensors; i++) {
      p.onePass[i] = new OnePassHistogram(binsPerSide);
    }
    return p;
  }

  public static PassPartial ofHistograms(Histogram[] empty) {
    PassPartial p = new PassPartial();
    p.histograms = empty;
    return p;
  }

  /** Per-channel maxima of tensors of {@code channels[t]} channels in their last axis, empty. */
  public static PassPartial ofChannelMax(int[] channels) {
    PassPartial p = new PassPartial();
    p.channelMax = new ChannelAbsMax[channels.length];
    for (int i = 0; i < channels.length; i++) {
      p.channelMax[i] = new ChannelAbsMax(channels[i]);
    }
    return p;
  }

  /** Merges {@code other} into this one and returns this. */
  public PassPartial merge(PassPartial other) {
    rows += other.rows;
    inferenceNanos += other.inferenceNanos;
    copyNanos += other.copyNanos;
    kernelNanos += other.kernelNanos;
    badRow = BadRow.earlier(badRow, other.badRow);
    if (stats != null) {
      for (int i = 0; i < stats.length; i++) {
        stats[i].merge(other.stats[i]);
      }
    }
    if (histograms != null) {
      for (int i = 0; i < histograms.length; i++) {
        histograms[i].merge(other.histograms[i]);
      }
    }
    if (onePass != null) {
      for (int i = 0; i < onePass.length; i++) {
        onePass[i].merge(other.onePass[i]);
      }
    }
    if (channelMax != null) {
      for (int i = 0; i < channelMax.length; i++) {
        channelMax[i].merge(other.channelMax[i]);
      }
    }
    return this;
  }

  /** Returns this, or throws the bad row of the data as the one-line error it is. */
  PassPartial requireNoBadRow() {
    if (badRow != null) {
      throw new QcalException(badRow.message());
    }
    return this;
  }

  /** Java serialization carries the layout below, never the fields (see LayoutProxy). */
  private Object writeReplace() {
    return new LayoutProxy(LayoutProxy.Kind.PASS, toByteArray());
  }

  /** The documented layout (class comment). */
  public byte[] toByteArray() {
    return new PartialLayout.Writer(PartialLayout.PASS).putLong(rows).putLong(inferenceNanos)
        .putLong(copyNanos).putLong(kernelNanos).badRow(badRow)
        .parts(stats, TensorStats::toByteArray).parts(histograms, Histogram::toByteArray)
        .parts(onePass, OnePassHistogram::toByteArray)
        .parts(channelMax, ChannelAbsMax::toByteArray).toByteArray();
  }

  /** Reads {@link #toByteArray()}'s layout; malformed bytes give an IllegalArgumentException. */
  public static PassPartial fromByteArray(byte[] bytes) {
    return PartialLayout.read(bytes, PartialLayout.PASS, "PassPartial", in -> {
      PassPartial p = new PassPartial();
      p.rows = in.getLong();
      p.inferenceNanos = in.getLong();
      p.copyNanos = in.getLong();
      p.kernelNanos = in.getLong();
      p.badRow = in.badRow();
      p.stats = in.partsOrNull(TensorStats::fromByteArray, TensorStats[]::new, "stats");
      p.histograms = in.partsOrNull(Histogram::fromByteArray, Histogram[]::new, "histograms");
      p.onePass = in.partsOrNull(OnePassHistogram::fromByteArray, OnePassHistogram[]::new,
          "one-pass histograms");
      p.channelMax = in.partsOrNull(ChannelAbsMax::fromByteArray, ChannelAbsMax[]::new,
          "channel maxima");
      return p;
    });
  }

  public long rows() {
    return rows;
  }

  /** "inference 1.2 s, copy 0.3 s, kernels 0.4 s": where the tasks spent their time. */
  public String timeSplit() {
    return String.format(java.util.Locale.ROOT, "inference %.1f s, copy out %.1f s, kernels %.1f s"
        + " (task time)", inferenceNanos / 1e9, copyNanos / 1e9, kernelNanos / 1e9);
  }

  /** Per tapped tensor, its per-channel max |x|; null unless SmoothQuant's pass ran. */
  public ChannelAbsMax[] channelMax() {
    return channelMax;
  }

  public TensorStats[] stats() {
    return stats;
  }

  /**
   * Per tapped tensor, its histogram: of pass 2, or of the one pass on its final power-of-two
   * width, trimmed to the used bins; null when neither ran.
   */
  public Histogram[] histograms() {
    if (histograms != null || onePass == null) {
      return histograms;
    }
    Histogram[] h = new Histogram[onePass.length];
    for (int i = 0; i < h.length; i++) {
      h[i] = onePass[i].toHistogram();
    }
    return h;
  }
}
