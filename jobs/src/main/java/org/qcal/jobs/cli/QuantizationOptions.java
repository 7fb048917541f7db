package org.qcal.jobs.cli;

import java.util.ArrayList;
import java.util.Iterator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.qcal.QcalException;
import org.qcal.calib.CalibrationMethod;
import org.qcal.jobs.api.BadArgument;
import org.qcal.jobs.api.CalibrateSettings;
import org.qcal.jobs.api.ExportChoice;
import org.qcal.jobs.api.Recipe;
import org.qcal.jobs.api.TensorOverride;
import org.qcal.jobs.io.TensorOverridesJson;
import org.qcal.onnx.QdqExporter;
import org.qcal.onnx.WeightQuantization;
import org.qcal.quant.QuantType;
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

  @Option(names = "--passes", paramLabel = "1|2",
      description = "1: every method from one forward per row, histograms on a power-of-two"
          + " grid that grows with the data; 2: min/max first, then histograms on the grid it"
          + " fixes (default: ${DEFAULT-VALUE}).")
  int passes;

  @Option(names = "--activation-type", paramLabel = "TYPE",
      completionCandidates = ActivationTypes.class,
      description = "Activation type: ${COMPLETION-CANDIDATES}; 16-bit Q/DQ run in float"
          + " around float ops, in ONNX Runtime's com.microsoft domain below ONNX opset 21"
          + " (default: ${DEFAULT-VALUE}).")
  String activationType;

  @Option(names = "--weight-type", paramLabel = "TYPE", completionCandidates = WeightTypes.class,
      description = "Weight type: ${COMPLETION-CANDIDATES}; int4 (symmetric) and uint4"
          + " (asymmetric) quantize MatMul and Gemm weights in blocks along K as ONNX"
          + " Runtime's MatMulNBits, other weights int8 (default: ${DEFAULT-VALUE}).")
  String weightType;

  @Option(names = "--weight-block-size", paramLabel = "N",
      description = "4-bit weights: values along K per block, each with its own scale; a power"
          + " of two in [16, 256] (default: ${DEFAULT-VALUE}).")
  int weightBlockSize;

  @Option(names = "--tensor-overrides", paramLabel = "FILE",
      description = "Per-tensor overrides of activations, a JSON file in the form of ONNX"
          + " Runtime's TensorQuantOverrides: tensor name -> [{quant_type, symmetric,"
          + " reduce_range, rmin, rmax, or scale and zero_point}].")
  String tensorOverrides = "";

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

  @Option(names = "--bias-correction", arity = "0..1", fallbackValue = "true",
      paramLabel = "BOOL", description = "Fold the mean output shift that weight quantization"
          + " causes in each quantized Conv and Gemm, measured on the calibration rows in one"
          + " more pass, into its bias (default: ${DEFAULT-VALUE}).")
  boolean biasCorrection;

  @Option(names = "--smooth-quant", arity = "0..1", fallbackValue = "true",
      paramLabel = "BOOL", description = "SmoothQuant: before calibrating, scale the channels of"
          + " each MatMul/Gemm input written by a LayerNorm by 1/s and the weights by s,"
          + " s = max|x|^alpha / max|w|^(1-alpha) from one more pass (default: ${DEFAULT-VALUE}).")
  boolean smoothQuant;

  @Option(names = "--smooth-quant-alpha", paramLabel = "ALPHA",
      description = "SmoothQuant's migration strength, in (0, 1] (default: ${DEFAULT-VALUE}).")
  double smoothQuantAlpha;

  /** Sets these options on {@code b}; their errors name the options. */
  void applyTo(CalibrateSettings.Builder b) {
    List<CalibrationMethod> list = new ArrayList<>();
    for (String id : CalibrateCommand.split(methods)) {
      list.add(parse("--methods", () -> CalibrationMethod.parse(id)));
    }
    b.methods(list).bins(bins).passes(passes).batchSize(batchSize).tapMemoryMb(tapMemoryMb)
        .biasCorrection(biasCorrection)
        .smoothQuant(smoothQuant).smoothQuantAlpha(smoothQuantAlpha)
        .choose(ExportChoice.parse(choose, chooseRows))
        .recipe(Recipe.builder()
            .percentile(percentile)
            // Only the types the exporter writes: refused here, before any pass.
            .activationType(QuantType.parse(activationType, QdqExporter.ACTIVATION_TYPES,
                "--activation-type"))
            .symmetricActivations(symmetricActivations)
            .weightType(QuantType.parse(weightType, WeightQuantization.TYPES, "--weight-type"))
            .perChannel(perChannel)
            .weightBlockSize(weightBlockSize)
            .floatNodes(CalibrateCommand.split(excludeNodes))
            .floatOpTypes(CalibrateCommand.split(excludeOpTypes))
            .tensorOverrides(readTensorOverrides())
            .build());
  }

  private Map<String, TensorOverride> readTensorOverrides() {
    if (tensorOverrides == null || tensorOverrides.isBlank()) {
      return Map.of();
    }
    byte[] json;
    try {
      json = Files.readAllBytes(Path.of(tensorOverrides));
    } catch (IOException e) {
      throw new QcalException("--tensor-overrides " + tensorOverrides + ": cannot be read ("
          + e.getClass().getSimpleName() + ")");
    }
    return TensorOverridesJson.parse(json, "--tensor-overrides " + tensorOverrides);
  }

  /** {@code inputs} and the overrides file, if any: inputs {@code --out} must stay clear of. */
  List<String> withOverridesFile(List<String> inputs) {
    if (tensorOverrides == null || tensorOverrides.isBlank()) {
      return inputs;
    }
    List<String> all = new ArrayList<>(inputs);
    all.add(tensorOverrides);
    return all;
  }

  /**
   * Runs {@code job}; an override the model refuses (a tensor it does not quantize) is reported
   * naming the overrides file, which the API does not know.
   */
  <T> T namingOverridesFile(java.util.function.Supplier<T> job) {
    try {
      return job.get();
    } catch (BadArgument e) {
      if (!e.argument().equals("tensorOverrides")) {
        throw e;
      }
      throw new QcalException("--tensor-overrides " + tensorOverrides + ": " + e.problem(), e);
    }
  }

  /** The parsed value, or bad input naming {@code option}. */
  private static <T> T parse(String option, java.util.function.Supplier<T> parser) {
    try {
      return parser.get();
    } catch (QcalException e) {
      throw new QcalException(option + ": " + e.getMessage(), e);
    }
  }

  /** The names {@code --activation-type} accepts, for its description. */
  static final class ActivationTypes implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return names(QdqExporter.ACTIVATION_TYPES);
    }
  }

  /** The names {@code --weight-type} accepts, for its description. */
  static final class WeightTypes implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return names(WeightQuantization.TYPES);
    }
  }

  private static Iterator<String> names(List<QuantType> types) {
    return types.stream().map(QuantType::toString).iterator();
  }
}
