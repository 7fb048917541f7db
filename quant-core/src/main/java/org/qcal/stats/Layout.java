package org.qcal.stats;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.qcal.Check;
import org.qcal.QcalException;

/**
 * The shared preamble of the documented byte layouts (statistics, metrics, and the partials of
 * qcal's passes): format version, family, two reserved bytes (or family-specific flags).
 *
 * <p>Families: 1 {@link TensorStats}, 2 {@link Histogram}, 3 {@code metrics.ErrorSums}, 4 {@code
 * metrics.ClassificationCounts}, 5 {@code metrics.OutputAgreement}; 6 and 7 the validation and
 * calibration passes' partials (in jobs); 8 {@link OnePassHistogram}; 9 {@link ChannelAbsMax}.
 */
public final class Layout {
  public static final byte FORMAT_VERSION = 1;

  private Layout() {}

  /** Writes the 4-byte preamble. */
  public static void writeHeader(ByteBuffer out, byte family) {
    writeHeader(out, family, (short) 0);
  }

  /** Writes the 4-byte preamble with family-specific flags in the reserved bytes. */
  public static void writeHeader(ByteBuffer out, byte family, short flags) {
    out.put(FORMAT_VERSION).put(family).putShort(flags);
  }

  /** Reads and checks the 4-byte preamble. */
  public static void header(ByteBuffer in, byte family, String what) {
    short reserved = flags(in, family, what);
    if (reserved != 0) {
      throw new QcalException(what + " reserved bytes must be 0, got " + reserved);
    }
  }

  /** Reads the preamble and returns its flags (the reserved bytes), for the caller to check. */
  public static short flags(ByteBuffer in, byte family, String what) {
    byte version = in.get();
    if (version != FORMAT_VERSION) {
      throw new QcalException(what + " format version must be " + FORMAT_VERSION + ", got "
          + version);
    }
    byte fam = in.get();
    if (fam != family) {
      throw new QcalException(what + " family byte must be " + family + ", got " + fam);
    }
    return in.getShort();
  }

  /** The preamble, then {@code counts} as int64s: the whole layout of a state of counts. */
  public static byte[] ofCounts(byte family, long... counts) {
    ByteBuffer out = ByteBuffer.allocate(4 + 8 * counts.length).order(ByteOrder.LITTLE_ENDIAN);
    writeHeader(out, family);
    for (long c : counts) {
      out.putLong(c);
    }
    return out.array();
  }

  /**
   * Reads {@link #ofCounts}'s layout of {@code n} counts; malformed bytes (a wrong preamble or
   * length, a negative count) give a {@link QcalException}.
   */
  public static long[] counts(byte[] bytes, byte family, int n, String what) {
    Check.notNull(bytes, what + " bytes");
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    try {
      header(in, family, what);
    } catch (BufferUnderflowException e) {
      throw new QcalException(what + " bytes must hold a complete state, got " + bytes.length
          + " bytes", e);
    }
    Check.that(in.remaining() == 8L * n, what + " bytes after the preamble", 8L * n + " bytes ("
        + n + " counts)", in.remaining());
    long[] counts = new long[n];
    for (int i = 0; i < n; i++) {
      counts[i] = in.getLong();
      Check.that(counts[i] >= 0, what + " count " + i, ">= 0", counts[i]);
    }
    return counts;
  }

  /** Fails if bytes are left after a complete state. */
  public static void end(ByteBuffer in, String what) {
    if (in.hasRemaining()) {
      throw new QcalException(what + " bytes must end after the state, got " + in.remaining()
          + " extra bytes");
    }
  }
}
