package org.qcal.jobs.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.qcal.QcalException;
import org.qcal.jobs.api.RunBuilder;
import picocli.CommandLine.Option;

/** The model, and how a dataset becomes its inputs; shared by calibrate, validate and tune. */
public final class InputOptions {

  @Option(names = "--model", required = true, paramLabel = "PATH",
      description = "The FP32 ONNX model (local, hdfs://, s3a://).")
  String model;

  @Option(names = "--limit", paramLabel = "ROWS",
      description = "Use at most this many rows of the data (the first ones, in data order;"
          + " with tune, of the calibration data).")
  Long limit;

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

  @Option(names = "--input-shape", paramLabel = "NAME=DIMS|NAME=@COLUMN",
      description = "The sample shape (without the batch dim) of an input with several dynamic"
          + " dims, e.g. image=3,48,192, or @COLUMN: an array<int> column with each row's dims;"
          + " rows of different shapes go in different batches (repeatable).")
  List<String> inputShapes = new ArrayList<>();

  /** Sets the data at {@code path} and how it binds to the model on {@code b}. */
  <B extends RunBuilder<B>> B applyTo(B b, String path, Long limit) {
    b.model(model).data(path).format(format).imagePreprocessing(image);
    inputs().forEach(b::input);
    inputShapes().forEach(b::inputShape);
    if (limit != null) {
      b.limit(limit);
    }
    return b;
  }

  /** The bindings; the same input bound to two different columns is bad input. */
  Map<String, String> inputs() {
    return pairs("--input", "NAME=COLUMN", "is bound twice, to columns", inputs);
  }

  /** The sample shapes by input name (parsed and checked when the inputs are bound). */
  Map<String, String> inputShapes() {
    return pairs("--input-shape", "NAME=DIMS or NAME=@COLUMN", "is given twice,",
        inputShapes);
  }

  /** {@code NAME=VALUE} pairs; {@code twice} words the refusal of one name with two values. */
  private static Map<String, String> pairs(String option, String form, String twice,
      List<String> given) {
    Map<String, String> map = new LinkedHashMap<>();
    for (String pair : given) {
      int eq = pair.indexOf('=');
      if (eq <= 0 || eq == pair.length() - 1) {
        throw new QcalException(option + " " + pair + ": expected " + form);
      }
      String name = pair.substring(0, eq);
      String value = pair.substring(eq + 1);
      String before = map.putIfAbsent(name, value);
      if (before != null && !before.equals(value)) {
        throw new QcalException(option + " " + name + " " + twice + " '" + before
            + "' and '" + value + "'; give it once");
      }
    }
    return map;
  }
}
