package org.qcal.jobs.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes .npy files byte by byte as NumPy's format description says, for the tests. */
final class NpyFiles {
  private NpyFiles() {}

  /** A version 1 file whose header dict is {@code dict}, followed by {@code data}. */
  static byte[] v1(String dict, byte[] data) {
    return file(1, dict, data);
  }

  /** A version 1 file as NumPy writes it: {@code {'descr': .., 'fortran_order': .., 'shape': ..}}. */
  static byte[] v1(String descr, String shape, byte[] data) {
    return v1("{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }",
        data);
  }

  static byte[] file(int version, String dict, byte[] data) {
    int prefix = 6 + 2 + (version == 1 ? 2 : 4);
    // NumPy pads with spaces and ends with a newline so that the data starts 64-byte aligned.
    StringBuilder header = new StringBuilder(dict);
    while ((prefix + header.length() + 1) % 64 != 0) {
      header.append(' ');
    }
    header.append('\n');
    byte[] h = header.toString().getBytes(StandardCharsets.ISO_8859_1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x93);
    out.writeBytes("NUMPY".getBytes(StandardCharsets.US_ASCII));
    out.write(version);
    out.write(0);
    ByteBuffer len = ByteBuffer.allocate(version == 1 ? 2 : 4).order(ByteOrder.LITTLE_ENDIAN);
    if (version == 1) {
      len.putShort((short) h.length);
    } else {
      len.putInt(h.length);
    }
    out.writeBytes(len.array());
    out.writeBytes(h);
    out.writeBytes(data);
    return out.toByteArray();
  }

  static byte[] f32(float... v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float x : v) {
      b.putFloat(x);
    }
    return b.array();
  }

  static byte[] f64(double... v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (double x : v) {
      b.putDouble(x);
    }
    return b.array();
  }

  static byte[] i32(int... v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int x : v) {
      b.putInt(x);
    }
    return b.array();
  }

  static byte[] i64(long... v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (long x : v) {
      b.putLong(x);
    }
    return b.array();
  }

  static Path write(Path file, byte[] bytes) {
    try {
      Files.createDirectories(file.getParent());
      return Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
