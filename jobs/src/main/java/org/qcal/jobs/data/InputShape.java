package org.qcal.jobs.data;

import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.qcal.QcalException;

/**
 * Where the sample shape of an input with several dynamic dims comes from ({@code --input-shape
 * NAME=SPEC}): either fixed dims for every row ({@code 3,48,192}, the shape without the batch
 * dim) or a column holding each row's dims ({@code @shape}, an array of ints). A flat tensor
 * column cannot tell {@code [3,48,192]} from {@code [3,96,96]}, so qcal never guesses.
 *
 * @param dims the fixed sample dims, or null when a column gives them
 * @param column the shape column, or null when the dims are fixed
 */
public record InputShape(long[] dims, String column) implements Serializable {

  /** The option, for messages. */
  public static final String OPTION = "--input-shape";

  /** Parses {@code 3,48,192} or {@code @column}; {@code name} is the input, for messages. */
  public static InputShape parse(String name, String spec) {
    String what = OPTION + " " + name + "=" + spec;
    if (spec.startsWith("@")) {
      if (spec.length() == 1) {
        throw new QcalException(what + ": expected @COLUMN, a column of each row's dims");
      }
      return new InputShape(null, spec.substring(1));
    }
    String[] parts = spec.split(",", -1);
    long[] dims = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        dims[i] = Long.parseLong(parts[i].trim());
      } catch (NumberFormatException e) {
        dims[i] = 0;
      }
      if (dims[i] < 1) {
        throw new QcalException(what + ": dim " + (i + 1) + " must be a positive integer,"
            + " got '" + parts[i] + "' (the sample shape without the batch dim, e.g. 3,224,224)");
      }
    }
    return new InputShape(dims, null);
  }

  /** Parses {@code NAME=SPEC} pairs; the same input given two different shapes is refused. */
  public static Map<String, InputShape> parseAll(Map<String, String> specs) {
    Map<String, InputShape> shapes = new LinkedHashMap<>();
    if (specs != null) {
      specs.forEach((name, spec) -> shapes.put(name, parse(name, spec)));
    }
    return shapes;
  }

  public boolean fromColumn() {
    return column != null;
  }

  @Override
  public String toString() {
    return column != null ? "@" + column : Arrays.toString(dims);
  }
}
