package org.qcal.jobs.data;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.Objects;

/**
 * The first bad input row a task met: where it is and what is wrong, as one line. A task that
 * meets one returns it in its partial instead of failing, and the partials' merge keeps the
 * earliest by position, so the error the driver reports does not depend on the partitioning.
 *
 * <p>Position: {@code file} (the data file's URI as Spark gives it, or null when the rows carry
 * no position), {@code block} (the byte where Spark's split of the file starts, 0 unless a
 * text file was split; the partition number when there is no file) and {@code row} (the row
 * counted from 0 within the file, or within the split when {@code block > 0}; -1 when a file is
 * one sample, as an image is).
 *
 * <p>Byte layout ({@link #toByteArray()}, big-endian): {@code byte version = 1}; {@code int n,
 * n bytes UTF-8} of the file, {@code n = -1} for null; {@code long block}; {@code long row};
 * {@code int m, m bytes UTF-8} of the message.
 */
public record BadRow(String file, long block, long row, String message) {
  private static final byte VERSION = 1;

  /** Position order: file (null last), block, row; the message breaks ties. */
  public static final Comparator<BadRow> POSITION = Comparator
      .comparing(BadRow::file, Comparator.nullsLast(Comparator.<String>naturalOrder()))
      .thenComparingLong(BadRow::block)
      .thenComparingLong(BadRow::row)
      .thenComparing(BadRow::message);

  public BadRow {
    Objects.requireNonNull(message, "message");
  }

  /** The earlier of two (either may be null). */
  public static BadRow earlier(BadRow a, BadRow b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return POSITION.compare(a, b) <= 0 ? a : b;
  }

  public byte[] toByteArray() {
    byte[] f = file == null ? null : file.getBytes(StandardCharsets.UTF_8);
    byte[] m = message.getBytes(StandardCharsets.UTF_8);
    ByteBuffer out = ByteBuffer.allocate(1 + 4 + (f == null ? 0 : f.length) + 16 + 4 + m.length);
    out.put(VERSION);
    out.putInt(f == null ? -1 : f.length);
    if (f != null) {
      out.put(f);
    }
    out.putLong(block).putLong(row).putInt(m.length).put(m);
    return out.array();
  }

  public static BadRow fromByteArray(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    byte version = in.get();
    if (version != VERSION) {
      throw new IllegalArgumentException("bad-row record of version " + version + ", expected "
          + VERSION);
    }
    String file = string(in, in.getInt());
    long block = in.getLong();
    long row = in.getLong();
    String message = string(in, in.getInt());
    if (in.hasRemaining()) {
      throw new IllegalArgumentException(in.remaining() + " trailing bytes after a bad-row record");
    }
    return new BadRow(file, block, row, message);
  }

  private static String string(ByteBuffer in, int length) {
    if (length < 0) {
      return null;
    }
    byte[] b = new byte[length];
    in.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
