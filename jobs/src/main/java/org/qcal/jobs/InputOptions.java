package org.qcal.jobs;

import java.util.LinkedHashMap;
import java.util.Map;
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

  @Option(names = "--input", paramLabel = "NAME=COLUMN",
      description = "Binds a model input to a data column (repeatable). A single-input model "
          + "takes the only numeric array column by default.")
  Map<String, String> inputs = new LinkedHashMap<>();

  /** A copy of the bindings. */
  Map<String, String> inputs() {
    return new LinkedHashMap<>(inputs);
  }
}
