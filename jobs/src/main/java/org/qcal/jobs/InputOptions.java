package org.qcal.jobs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.qcal.QcalException;
import picocli.CommandLine.Option;

/** How a dataset becomes model inputs; shared by calibrate, validate and tune. */
public final class InputOptions {

  @Option(names = "--format", paramLabel = "FORMAT",
      description = "parquet, orc, json, image or npy; default: from the path.")
  String format;

  @Option(names = "--image", paramLabel = "SPEC",
      description = "Image preprocessing, e.g. resize=224x224,scale=0.00392,mean=0.485:0.456:"
          + "0.406,std=0.229:0.224:0.225,color=rgb,layout=nchw (default: fit to the model input).")
  String image;

  // A list, not picocli's Map: a Map would let a second --input x=... silently replace the first.
  @Option(names = "--input", paramLabel = "NAME=COLUMN",
      description = "Binds a model input to a data column (repeatable). A single-input model "
          + "takes the only numeric array column by default.")
  List<String> inputs = new ArrayList<>();

  /** The bindings; the same input bound to two different columns is bad input. */
  Map<String, String> inputs() {
    Map<String, String> map = new LinkedHashMap<>();
    for (String binding : inputs) {
      int eq = binding.indexOf('=');
      if (eq <= 0 || eq == binding.length() - 1) {
        throw new QcalException("--input " + binding + ": expected NAME=COLUMN");
      }
      String name = binding.substring(0, eq);
      String column = binding.substring(eq + 1);
      String before = map.putIfAbsent(name, column);
      if (before != null && !before.equals(column)) {
        throw new QcalException("--input " + name + " is bound twice, to columns '" + before
            + "' and '" + column + "'; give it once");
      }
    }
    return map;
  }
}
