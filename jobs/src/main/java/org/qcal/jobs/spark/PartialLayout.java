package org.qcal.jobs.spark;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.qcal.QcalException;
import org.qcal.jobs.data.BadRow;
import org.qcal.stats.Layout;

/**
 * Writes and reads the byte layouts of the passes' partials, which each partial's class comment
 * tables: little endian; the 4-byte preamble of quant-core's layouts ({@link Layout}: format
 * version, family, reserved); then int32 and int64 fields, <i>parts</i> and <i>arrays</i>. A part
 * is an int32 length {@code L} and {@code L} bytes in the part's own documented layout (an
 * ErrorSums, a TensorStats, a {@link BadRow}...), so every part checks itself when read; the bad
 * row is a part of length 0 when there is none. An array is an int32 count {@code c}, then
 * {@code c} parts; {@code c = -1} (nothing follows) for a null array.
 */
final class PartialLayout {
  /** Family of {@link ValidationPartial} in the preamble (quant-core's are 1 to 5). */
  static final byte VALIDATION = 6;
  /** Family of {@link PassPartial}. */
  static final byte PASS = 7;

  private PartialLayout() {}

  /** One partial's bytes, in order. */
  static final class Writer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

    Writer(byte family) {
      Layout.writeHeader(scratch.clear(), family);
      out.write(scratch.array(), 0, 4);
    }

    Writer putInt(int v) {
      out.write(scratch.clear().putInt(v).array(), 0, 4);
      return this;
    }

    Writer putLong(long v) {
      out.write(scratch.clear().putLong(v).array(), 0, 8);
      return this;
    }

    /** A part: its length, then its bytes. */
    Writer part(byte[] bytes) {
      putInt(bytes.length);
      out.writeBytes(bytes);
      return this;
    }

    /** An array: its count (-1 for null), then each item's bytes as a part. */
    <T> Writer parts(T[] items, Function<T, byte[]> write) {
      if (items == null) {
        return putInt(-1);
      }
      putInt(items.length);
      for (T item : items) {
        part(write.apply(item));
      }
      return this;
    }

    Writer badRow(BadRow bad) {
      return part(bad == null ? new byte[0] : bad.toByteArray());
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }
  }

  /** Reads one partial's bytes in the order they were written. */
  static final class Reader {
    private final ByteBuffer in;

    private Reader(ByteBuffer in) {
      this.in = in;
    }

    /** A count of items that follow, each at least 4 bytes long: checked against the bytes left. */
    int count(String what) {
      int n = in.getInt();
      if (n < 0 || n > in.remaining() / 4) {
        throw new IllegalArgumentException(what + " must be in [0, " + in.remaining() / 4
            + "], got " + n);
      }
      return n;
    }

    long getLong() {
      return in.getLong();
    }

    /** A part, read by its class's {@code fromByteArray}. */
    <T> T part(Function<byte[], T> read) {
      int n = in.getInt();
      if (n < 0 || n > in.remaining()) {
        throw new IllegalArgumentException("part length must be in [0, " + in.remaining()
            + "], got " + n);
      }
      byte[] bytes = new byte[n];
      in.get(bytes);
      return read.apply(bytes);
    }

    /** An array of parts read by {@code read} into {@code array(count)}; never null. */
    <T> T[] parts(Function<byte[], T> read, IntFunction<T[]> array, String what) {
      T[] items = partsOrNull(read, array, what);
      if (items == null) {
        throw new IllegalArgumentException(what + " must be an array, got none (count -1)");
      }
      return items;
    }

    /** As {@link #parts}, or null for count -1. */
    <T> T[] partsOrNull(Function<byte[], T> read, IntFunction<T[]> array, String what) {
      int n = in.getInt();
      if (n == -1) {
        return null;
      }
      if (n < 0 || n > in.remaining() / 4) {
        throw new IllegalArgumentException(what + " count must be -1 or in [0, "
            + in.remaining() / 4 + "], got " + n);
      }
      T[] items = array.apply(n);
      for (int i = 0; i < n; i++) {
        items[i] = part(read);
      }
      return items;
    }

    BadRow badRow() {
      return part(bytes -> bytes.length == 0 ? null : BadRow.fromByteArray(bytes));
    }
  }

  /**
   * Reads {@code bytes} of {@code family} with {@code body}, which must read them to the end.
   * Malformed bytes are a bug or a corruption between tasks, never the user's input: they give
   * an {@link IllegalArgumentException} naming {@code what}.
   */
  static <T> T read(byte[] bytes, byte family, String what, Function<Reader, T> body) {
    if (bytes == null) {
      throw new IllegalArgumentException(what + " bytes must not be null");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    try {
      Layout.header(in, family, what);
      T value = body.apply(new Reader(in));
      Layout.end(in, what);
      return value;
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException(what + " bytes must hold a complete state, got "
          + bytes.length + " bytes", e);
    } catch (QcalException | IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " bytes are malformed: " + e.getMessage(), e);
    }
  }
}
