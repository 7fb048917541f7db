package org.qcal.jobs.api;


import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.qcal.onnx.NodeSelection;
import org.qcal.Check;
import org.qcal.QcalException;
import org.qcal.calib.CalibrationMethod;
import org.qcal.calib.CalibrationOptions;
import org.qcal.onnx.WeightQuantization;
import org.qcal.quant.QuantRule;
import org.qcal.quant.QuantType;

/**
 * How to calibrate, validated: every method computed from the same statistics, the histogram
 * resolution, the types and rules of activations and weights, and the method whose parameters
 * the exported model carries (or {@code auto}, decided by measuring every method's export).
 */
public record CalibrationParameters(
    List<CalibrationMethod> methods,
    double percentile,
    int bins,
    QuantType activationType,
    QuantType weightType,
    boolean symmetricActivations,
    boolean perChannel,
    ExportChoice choose,
    int batchSize,
    NodeSelection selection) implements Serializable {

  /** TensorRT's entropy algorithm quantizes the |x| histogram to 128 levels: it needs more bins. */
  public static final int ENTROPY_MIN_BINS = 128;

  public CalibrationParameters {
    methods = List.copyOf(methods);
    selection = selection == null ? NodeSelection.ALL : selection;
    if (methods.isEmpty()) {
      throw new QcalException("--methods: at least one method is needed");
    }
    if (!(percentile > 0 && percentile <= 100)) {
      throw new QcalException("--percentile must be in (0, 100], got " + percentile);
    }
    if (bins < 1) {
      throw new QcalException("--bins must be >= 1, got " + bins);
    }
    if (methods.contains(CalibrationMethod.ENTROPY) && bins < ENTROPY_MIN_BINS) {
      throw new QcalException("--bins must be >= " + ENTROPY_MIN_BINS
          + " for the entropy method (128 quantization levels), got " + bins);
    }
    Check.notNull(choose, "--choose");
    if (!choose.auto() && !methods.contains(choose.method())) {
      throw new QcalException("--choose " + choose + " is not among --methods " + ids(methods));
    }
    new WeightQuantization(weightType, perChannel, true, false); // refuses what cannot be written
    if (batchSize < 1) {
      throw new QcalException("--batch-size must be >= 1, got " + batchSize);
    }
  }

  /** Parses and validates the command line's strings. */
  public static CalibrationParameters of(List<String> methodIds, double percentile, int bins,
      String activationType, String weightType, boolean symmetricActivations, boolean perChannel,
      String choose, int batchSize) {
    List<CalibrationMethod> methods = new ArrayList<>();
    for (String id : methodIds) {
      CalibrationMethod method = parseMethod("--methods", id);
      if (!methods.contains(method)) {
        methods.add(method);
      }
    }
    return new CalibrationParameters(methods, percentile, bins,
        parseType("--activation-type", activationType), parseType("--weight-type", weightType),
        symmetricActivations, perChannel, ExportChoice.parse("--choose", choose), batchSize,
        NodeSelection.ALL);
  }

  /** These parameters with nodes and op types kept in float ({@code --exclude-*}). */
  public CalibrationParameters withExclusions(List<String> nodes, List<String> opTypes) {
    return withSelection(NodeSelection.ALL.excludeNodes(nodes).excludeOpTypes(opTypes));
  }

  /** These parameters quantizing the nodes {@code selection} accepts. */
  public CalibrationParameters withSelection(NodeSelection selection) {
    return new CalibrationParameters(methods, percentile, bins, activationType, weightType,
        symmetricActivations, perChannel, choose, batchSize, selection);
  }

  /** These parameters exporting {@code choice}'s parameters. */
  public CalibrationParameters withChoice(ExportChoice choice) {
    return new CalibrationParameters(methods, percentile, bins, activationType, weightType,
        symmetricActivations, perChannel, choice, batchSize, selection);
  }

  /** These parameters with symmetric or asymmetric activations. */
  public CalibrationParameters withSymmetricActivations(boolean symmetric) {
    return new CalibrationParameters(methods, percentile, bins, activationType, weightType,
        symmetric, perChannel, choose, batchSize, selection);
  }

  /** Whether a second pass (fixed-grid histograms) is needed. */
  public boolean needsHistograms() {
    return methods.stream().anyMatch(CalibrationMethod::needsHistogram);
  }

  /** The calibrator settings for activations. */
  public CalibrationOptions calibrationOptions() {
    return CalibrationOptions.defaults()
        .withType(activationType)
        .withRule(symmetricActivations ? QuantRule.SYMMETRIC : QuantRule.ASYMMETRIC)
        .withPercentile(percentile);
  }

  /** The rule for activation parameters. */
  public QuantRule activationRule() {
    return symmetricActivations ? QuantRule.SYMMETRIC : QuantRule.ASYMMETRIC;
  }

  /** Weights: symmetric, per channel unless told otherwise. */
  public WeightQuantization weightQuantization() {
    return new WeightQuantization(weightType, perChannel, true, false);
  }

  private static CalibrationMethod parseMethod(String option, String id) {
    try {
      return CalibrationMethod.parse(id);
    } catch (QcalException e) {
      throw new QcalException(option + ": " + e.getMessage(), e);
    }
  }

  private static QuantType parseType(String option, String name) {
    try {
      return QuantType.parse(name);
    } catch (QcalException e) {
      throw new QcalException(option + ": " + e.getMessage(), e);
    }
  }

  private static String ids(List<CalibrationMethod> methods) {
    List<String> ids = new ArrayList<>();
    for (CalibrationMethod m : methods) {
      ids.add(m.id());
    }
    return String.join(",", ids);
  }
}
