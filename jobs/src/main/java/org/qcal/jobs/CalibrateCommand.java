package org.qcal.jobs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code qcal calibrate}: statistics over a calibration set, parameters, QDQ export. */
@Command(
    name = "calibrate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs the model over the calibration data on Spark, merges exact statistics, derives int8",
      "parameters with every method and writes calibration.json, calibration.cache (TensorRT)",
      "and model.int8.onnx (QDQ) into the output folder, atomically."
    })
public final class CalibrateCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, paramLabel = "PATH",
      description = "The FP32 ONNX model (local, hdfs://, s3a://).")
  String model;

  @Option(names = "--data", required = true, paramLabel = "PATH",
      description = "The calibration data: a file or folder (Parquet, ORC, JSON, images, .npy).")
  String data;

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

  @CommandLine.Mixin
  CalibrationOptions calibration = new CalibrationOptions();

  @Option(names = "--limit", paramLabel = "ROWS",
      description = "Use at most this many rows of the data (the first ones, in data order).")
  Long limit;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "The output folder; written atomically.")
  String out;

  @Option(names = "--overwrite", description = "Replace an existing output folder.")
  boolean overwrite;

  @Option(names = "--config", paramLabel = "FILE",
      description = "A qcal.conf-style file of option defaults; the command line wins.")
  String config;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    CalibrateSettings settings = new CalibrateSettings(
        model, data, format, image, new LinkedHashMap<>(inputs), calibration.toParameters(), limit,
        out, overwrite);
    CalibrateJob.Result result = Qcal.calibrate(settings);
    // The command line's writer, not System.out: Main.run(out, err, ...) callers read it.
    spec.commandLine().getOut().println("qcal: calibrated " + result.samples()
        + " samples; outputs in " + result.outputDir());
    spec.commandLine().getOut().flush();
    return ExitCode.OK;
  }

  static List<String> split(String csv) {
    List<String> list = new ArrayList<>();
    for (String part : csv.split(",")) {
      if (!part.isBlank()) {
        list.add(part.trim());
      }
    }
    return list;
  }
}
