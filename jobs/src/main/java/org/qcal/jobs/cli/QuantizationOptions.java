package org.qcal.jobs.cli;

import java.util.ArrayList;
import java.util.List;
import org.qcal.QcalException;
import org.qcal.calib.CalibrationMethod;
import org.qcal.jobs.api.CalibrateSettings;
import org.qcal.jobs.api.Recipe;
import org.qcal.quant.QuantType;

import org.qcal.jobs.api.CalibrationParameters;
import org.qcal.jobs.api.ExportChoice;

import picocli.CommandLine.Option;

/** The options that say how to calibrate, shared by {@code calibrate} and {@code tune}. */
public final class QuantizationOptions {

  @Option(names = "--methods", paramLabel = "LIST",
      description = "Calibration methods, comma separated: minmax, averageminmax, percentile, "
          + "entropy, mse (default: ${DEFAULT-VALUE}).")
  String methods;

  @Option(names = "--percentile", paramLabel = "P",
      description = "Percentile in (0, 100] for the percentile method (default: ${DEFAULT-VALUE}).")
  double percentile;

  @Option(names = "--bins", paramLabel = "N",
      description = "Histogram bins on each side of zero (default: ${DEFAULT-VALUE}).")
  int bins;

  @Option(names = "--activation-type", paramLabel = "TYPE",
      description = "Activation type: uint8, int8, uint16, int16 (default: ${DEFAULT-VALUE}).")
  String activationType;

  @Option(names = "--weight-type", paramLabel = "TYPE",
      description = "Weight type: int8, uint8, int16, uint16, int4, uint4 (default: ${DEFAULT-VALUE}).")
  String weightType;

  @Option(names = "--symmetric-activations", arity = "0..1", fallbackValue = "true",
      paramLabel = "BOOL", description = "Symmetric activation ranges (default: ${DEFAULT-VALUE}).")
  boolean symmetricActivations;

  @Option(names = "--per-channel", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
      description = "Weights per output channel (default: ${DEFAULT-VALUE}).")
  boolean perChannel;

  @Option(names = "--choose", paramLabel = "METHOD",
      description = "The method whose parameters go into the exported model, or auto: the one"
          + " whose export has the highest output SQNR on a sample of the calibration rows"
          + " (default: ${DEFAULT-VALUE}).")
  String choose;

  @Option(names = "--choose-rows", paramLabel = "ROWS",
      description = "With --choose auto: about how many calibration rows (a hash sample) the"
          + " exports are compared on (default: ${DEFAULT-VALUE}).")
  int chooseRows;

  @Option(names = "--batch-size", paramLabel = "ROWS",
      description = "Rows per forward pass (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--exclude-nodes", paramLabel = "LIST",
      description = "Node names kept in float, comma separated (ONNX Runtime's"
          + " nodes_to_exclude).")
  String excludeNodes = "";

  @Option(names = "--exclude-op-types", paramLabel = "LIST",
      description = "Op types kept in float, comma separated, e.g. Gemm,MatMul.")
  String excludeOpTypes = "";

  @Option(names = "--tap-memory-mb", paramLabel = "MIB",
      description = "Memory one task may spend on the tapped tensors of a forward (default:"
          + " ${DEFAULT-VALUE}); more taps run as several forwards of the same batch.")
  int tapMemoryMb;

  /** Sets these options on {@code b}; their errors name the options. */
  void applyTo(CalibrateSettings.Builder b) {
    List<CalibrationMethod> list = new ArrayList<>();
    for (String id : CalibrateCommand.split(methods)) {
      list.add(parse("--methods", () -> CalibrationMethod.parse(id)));
    }
    b.methods(list).bins(bins).batchSize(batchSize).tapMemoryMb(tapMemoryMb)
        .choose(ExportChoice.parse(choose, chooseRows))
        .recipe(Recipe.builder()
            .percentile(percentile)
            .activationType(parse("--activation-type", () -> QuantType.parse(activationType)))
            .symmetricActivations(symmetricActivations)
            .weightType(parse("--weight-type", () -> QuantType.parse(weightType)))
            .perChannel(perChannel)
            .floatNodes(CalibrateCommand.split(excludeNodes))
            .floatOpTypes(CalibrateCommand.split(excludeOpTypes))
            .build());
  }

  /** The parsed value, or bad input naming {@code option}. */
  private static <T> T parse(String option, java.util.function.Supplier<T> parser) {
    try {
      return parser.get();
    } catch (QcalException e) {
      throw new QcalException(option + ": " + e.getMessage(), e);
    }
  }
}
