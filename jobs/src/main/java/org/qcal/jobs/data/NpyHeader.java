package org.qcal.jobs.data;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.qcal.QcalException;

/**
 * The header of a {@code .npy} file (NumPy format versions 1, 2 and 3): the magic
 * {@code \x93NUMPY}, the version, the header length (uint16 LE in v1, uint32 LE after), then a
 * Python dict literal such as {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}.
 * The dict is parsed as a literal, not matched with patterns, so key order and spacing do not
 * matter. Supported: little-endian float32, float64, int32 and int64 in C order; anything else
 * fails naming the file and what it holds.
 */
final class NpyHeader {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

  /** The element types qcal reads. */
  enum DType {
    FLOAT32(4, false), FLOAT64(8, false), INT32(4, true), INT64(8, true);

    final int size;
    final boolean integer;

    DType(int size, boolean integer) {
      this.size = size;
      this.integer = integer;
    }
  }

  final DType dtype;
  final long[] shape;

  private NpyHeader(DType dtype, long[] shape) {
    this.dtype = dtype;
    this.shape = shape;
  }

  /** Elements in the file: the product of the shape (1 for a 0-d array). */
  long elementCount() {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  /** Reads the magic and the header, leaving {@code in} at the first data byte. */
  static NpyHeader read(DataInputStream in, String file) {
    try {
      byte[] magic = new byte[MAGIC.length];
      in.readFully(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new QcalException("file '" + file + "' is not a .npy file (no \\x93NUMPY magic)");
      }
      int major = in.readUnsignedByte();
      in.readUnsignedByte(); // minor version: no format differences
      long length;
      if (major == 1) {
        length = Short.toUnsignedInt(Short.reverseBytes(in.readShort()));
      } else if (major == 2 || major == 3) {
        length = Integer.toUnsignedLong(Integer.reverseBytes(in.readInt()));
      } else {
        throw new QcalException("file '" + file + "' is .npy format version " + major
            + "; qcal reads versions 1 to 3");
      }
      if (length > 1 << 20) {
        throw new QcalException("file '" + file + "' has a " + length + "-byte .npy header");
      }
      byte[] header = new byte[(int) length];
      in.readFully(header);
      // v1 and v2 headers are latin-1, v3 is utf-8; the parts qcal reads are ASCII in both.
      String dict = new String(header,
          major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
      return parse(dict, file);
    } catch (EOFException e) {
      throw new QcalException("file '" + file + "' ends inside its .npy header", e);
    } catch (IOException e) {
      throw new QcalException("cannot read file '" + file + "': " + e.getMessage(), e);
    }
  }

  /** Parses the header dict literal. */
  static NpyHeader parse(String dict, String file) {
    Map<String, Object> map = new PyLiteral(dict, file).parseDict();
    Object descr = map.get("descr");
    Object fortran = map.get("fortran_order");
    Object shape = map.get("shape");
    if (descr == null || fortran == null || shape == null) {
      throw new QcalException("file '" + file + "' has a .npy header without descr, "
          + "fortran_order and shape: " + dict.trim());
    }
    if (!(descr instanceof String d)) {
      throw new QcalException("file '" + file + "' holds a structured dtype "
          + (descr instanceof List<?> l ? l.get(0) : descr)
          + "; qcal reads plain float32, float64, int32 or int64 arrays");
    }
    if (!(fortran instanceof Boolean f)) {
      throw new QcalException("file '" + file + "' has fortran_order " + fortran
          + " in its header; expected True or False");
    }
    if (f) {
      throw new QcalException("file '" + file + "' is in Fortran order; qcal reads C order "
          + "only (numpy: np.save(path, np.ascontiguousarray(a)))");
    }
    if (!(shape instanceof long[] s)) {
      throw new QcalException("file '" + file + "' has shape " + shape
          + " in its header; expected a tuple of ints");
    }
    return new NpyHeader(dtype(d, file), s);
  }

  private static DType dtype(String descr, String file) {
    if (descr.startsWith(">")) {
      throw new QcalException("file '" + file + "' is big-endian ('" + descr + "'); qcal reads "
          + "little-endian .npy only (numpy: a.astype(a.dtype.newbyteorder('<')))");
    }
    return switch (descr) {
      case "<f4" -> DType.FLOAT32;
      case "<f8" -> DType.FLOAT64;
      case "<i4" -> DType.INT32;
      case "<i8" -> DType.INT64;
      default -> throw new QcalException("file '" + file + "' holds dtype '" + descr
          + "'; qcal reads float32, float64, int32 or int64 (<f4, <f8, <i4, <i8)");
    };
  }

  /**
   * The Python literal subset of .npy headers: a dict of quoted keys to quoted strings,
   * True/False, or tuples of ints. A list (structured dtype) is reported as such.
   */
  private static final class PyLiteral {
    private final String s;
    private final String file;
    private int pos;

    PyLiteral(String s, String file) {
      this.s = s;
      this.file = file;
    }

    Map<String, Object> parseDict() {
      expect('{');
      Map<String, Object> map = new LinkedHashMap<>();
      while (peek() != '}') {
        String key = string();
        expect(':');
        map.put(key, value());
        if (peek() == ',') {
          pos++;
        } else if (peek() != '}') {
          throw bad("',' or '}'");
        }
      }
      pos++;
      return map;
    }

    private Object value() {
      char c = peek();
      if (c == '\'' || c == '"') {
        return string();
      } else if (c == '(') {
        return tuple();
      } else if (c == '[') {
        return list();
      } else if (s.startsWith("True", pos)) {
        pos += 4;
        return Boolean.TRUE;
      } else if (s.startsWith("False", pos)) {
        pos += 5;
        return Boolean.FALSE;
      }
      throw bad("a string, True, False or a tuple");
    }

    private long[] tuple() {
      expect('(');
      List<Long> dims = new ArrayList<>();
      while (peek() != ')') {
        int start = pos;
        while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
          pos++;
        }
        if (start == pos) {
          throw bad("a non-negative int in the shape");
        }
        dims.add(Long.parseLong(s.substring(start, pos)));
        if (pos < s.length() && s.charAt(pos) == 'L') {
          pos++; // Python 2 long literal
        }
        if (peek() == ',') {
          pos++;
        } else if (peek() != ')') {
          throw bad("',' or ')'");
        }
      }
      pos++;
      return dims.stream().mapToLong(Long::longValue).toArray();
    }

    /** Skips a (possibly nested) list, returning it as a token that is not a dtype string. */
    private List<String> list() {
      int start = pos;
      int depth = 0;
      do {
        char c = s.charAt(pos++);
        if (c == '[') {
          depth++;
        } else if (c == ']') {
          depth--;
        }
      } while (depth > 0 && pos < s.length());
      if (depth > 0) {
        throw bad("a closing ']'");
      }
      return List.of(s.substring(start, pos));
    }

    private String string() {
      char quote = peek();
      if (quote != '\'' && quote != '"') {
        throw bad("a quoted string");
      }
      int end = s.indexOf(quote, pos + 1);
      if (end < 0) {
        throw bad("a closing quote");
      }
      String value = s.substring(pos + 1, end);
      pos = end + 1;
      return value;
    }

    private void expect(char c) {
      if (peek() != c) {
        throw bad("'" + c + "'");
      }
      pos++;
    }

    /** The next non-blank character (or 0 at the end), without consuming it. */
    private char peek() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
      return pos < s.length() ? s.charAt(pos) : 0;
    }

    private QcalException bad(String expected) {
      return new QcalException("file '" + file + "' has a malformed .npy header: expected "
          + expected + " at character " + pos + " of " + s.trim());
    }
  }
}
