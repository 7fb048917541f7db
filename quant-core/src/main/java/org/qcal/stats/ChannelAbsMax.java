package org.qcal.stats;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.qcal.Check;
import org.qcal.QcalException;

/**
 * The largest finite {@code |x|} of each channel of the last axis of a tensor, over every value
 * seen: SmoothQuant's per-channel activation maximum (docs/DESIGN.md, "SmoothQuant"). A tensor of
 * shape {@code [..., C]} is read as rows of {@code C} values, whatever its leading dimensions, so
 * the state does not depend on which rows shared a batch.
 *
 * <p><b>Determinism.</b> The maximum of floats is exact, so split-then-merge gives the same state
 * as one pass, in any merge order. NaN and infinities never enter a maximum; they are counted
 * ({@link #nonFiniteCount()}). A channel without a finite value keeps 0.
 *
 * <p><b>Byte layout</b> of {@link #toByteArray()}, little endian:
 *
 * <pre>
 * offset size
 *  0     1    format version (1)
 *  1     1    family (9 = ChannelAbsMax)
 *  2     2    reserved 0
 *  4     4    channels C (int32, >= 1)
 *  8     8    non-finite values seen (int64)
 * 16     4 C  per channel the finite max |x| (float32, >= 0)
 * </pre>
 */
public final class ChannelAbsMax {
  static final byte FAMILY = 9;

  private final float[] max;
  private long nonFinite;

  /** An empty state of {@code channels} channels. */
  public ChannelAbsMax(int channels) {
    Check.that(channels >= 1, "channels", ">= 1", channels);
    this.max = new float[channels];
  }

  /**
   * Adds {@code length} values from {@code off}: whole rows of {@link #channels()} values, the
   * channel the fastest-moving index (row-major {@code [..., C]}).
   */
  public ChannelAbsMax update(float[] values, int off, int length) {
    Check.notNull(values, "values");
    int c = max.length;
    Check.that(length % c == 0, "length", "a multiple of the " + c + " channels", length);
    for (int i = 0; i < length; i += c) {
      for (int j = 0; j < c; j++) {
        float v = Math.abs(values[off + i + j]);
        if (v < Float.POSITIVE_INFINITY) {
          max[j] = Math.max(max[j], v);
        } else {
          nonFinite++; // +-Inf, and NaN (every comparison with NaN is false)
        }
      }
    }
    return this;
  }

  /** Merges {@code other} into this one and returns this. */
  public ChannelAbsMax merge(ChannelAbsMax other) {
    Check.that(other.max.length == max.length, "channels of the merged state",
        String.valueOf(max.length), other.max.length);
    for (int j = 0; j < max.length; j++) {
      max[j] = Math.max(max[j], other.max[j]);
    }
    nonFinite += other.nonFinite;
    return this;
  }

  public int channels() {
    return max.length;
  }

  /** A copy of the per-channel maxima. */
  public float[] max() {
    return max.clone();
  }

  public long nonFiniteCount() {
    return nonFinite;
  }

  /** The documented layout (class comment). */
  public byte[] toByteArray() {
    ByteBuffer out = ByteBuffer.allocate(16 + 4 * max.length).order(ByteOrder.LITTLE_ENDIAN);
    Layout.writeHeader(out, FAMILY);
    out.putInt(max.length).putLong(nonFinite);
    for (float m : max) {
      out.putFloat(m);
    }
    return out.array();
  }

  /** Reads {@link #toByteArray()}'s layout; malformed bytes give a {@link QcalException}. */
  public static ChannelAbsMax fromByteArray(byte[] bytes) {
    Check.notNull(bytes, "ChannelAbsMax bytes");
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    try {
      Layout.header(in, FAMILY, "ChannelAbsMax");
      int channels = in.getInt();
      long nonFinite = in.getLong();
      Check.that(channels >= 1 && in.remaining() == 4L * channels,
          "ChannelAbsMax bytes after the header", "4 per channel of " + channels,
          in.remaining());
      Check.that(nonFinite >= 0, "ChannelAbsMax non-finite count", ">= 0", nonFinite);
      ChannelAbsMax s = new ChannelAbsMax(channels);
      s.nonFinite = nonFinite;
      for (int j = 0; j < channels; j++) {
        float m = in.getFloat();
        Check.that(m >= 0 && m < Float.POSITIVE_INFINITY, "ChannelAbsMax channel " + j,
            "a finite value >= 0", m);
        s.max[j] = m;
      }
      return s;
    } catch (BufferUnderflowException e) {
      throw new QcalException("ChannelAbsMax bytes must hold a complete state, got "
          + bytes.length + " bytes", e);
    }
  }
}
