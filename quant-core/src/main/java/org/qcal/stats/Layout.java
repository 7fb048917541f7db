package org.qcal.stats;

import java.nio.ByteBuffer;
import org.qcal.QcalException;

/** The shared preamble of the serialized stats: version, family, two reserved bytes. */
final class Layout {
  static final byte FORMAT_VERSION = 1;

  private Layout() {}

  /** Writes the 4-byte preamble. */
  static void writeHeader(ByteBuffer out, byte family) {
    writeHeader(out, family, (short) 0);
  }

  /** Writes the 4-byte preamble with family-specific flags in the reserved bytes. */
  static void writeHeader(ByteBuffer out, byte family, short flags) {
    out.put(FORMAT_VERSION).put(family).putShort(flags);
  }

  /** Reads and checks the 4-byte preamble. */
  static void header(ByteBuffer in, byte family, String what) {
    short reserved = flags(in, family, what);
    if (reserved != 0) {
      throw new QcalException(what + " reserved bytes must be 0, got " + reserved);
    }
  }

  /** Reads the preamble and returns its flags (the reserved bytes), for the caller to check. */
  static short flags(ByteBuffer in, byte family, String what) {
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

  /** Fails if bytes are left after a complete state. */
  static void end(ByteBuffer in, String what) {
    if (in.hasRemaining()) {
      throw new QcalException(what + " bytes must end after the state, got " + in.remaining()
          + " extra bytes");
    }
  }
}
