package org.qcal.jobs.api;

import java.io.Serializable;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.qcal.calib.CalibrationMethod;
import org.qcal.calib.CalibrationOptions;
import org.qcal.calib.Range;
import org.qcal.onnx.CalibrationPlan;
import org.qcal.onnx.NodeSelection;
import org.qcal.onnx.QdqExporter;
import org.qcal.onnx.WeightQuantization;
import org.qcal.quant.QuantParams;
import org.qcal.quant.QuantRule;
import org.qcal.quant.QuantType;
import org.qcal.stats.Histogram;
import org.qcal.stats.TensorStats;

/**
 * Everything that turns calibration statistics and an FP32 model into one quantized model
 * (docs/DESIGN.md "Recipes"): the calibration method and its percentile, the activation type and
 * rule, the weight type and granularity, the nodes and op types kept in float, per-tensor
 * method overrides, and whether the measured bias shifts are folded in (bias correction). Immutable and value-comparable: calibrate produces one, tune produces many
 * and picks one, calibration.json stores them, and {@code validate --calibration} reads them
 * back, so the same recipe over the same statistics always gives the same model bytes.
 *
 * <p>Build one with {@link #builder()}; every setter validates and documents its default.
 *
 * @param method the calibration method of every activation without an override
 * @param percentile the percentile method's share in (0, 100]
 * @param activationType the type of quantized activations
 * @param symmetricActivations symmetric activation ranges (zero point in the middle)
 * @param weightType the type of quantized weights (always symmetric)
 * @param perChannel weights per output channel rather than per tensor
 * @param weightBlockSize 4-bit weights: values along K per block (unused by 8-bit types)
 * @param floatNodes node names kept in float, sorted
 * @param floatOpTypes op types kept in float, sorted
 * @param tensorMethods tensor name to the method used for it instead of {@code method}, sorted
 * @param biasCorrection fold the calibration's measured bias shifts into the biases of the
 *     nodes whose weights this recipe quantizes (docs/DESIGN.md, "Bias correction"); nothing
 *     changes when the calibration measured none
 * @param tensorOverrides quantized activation tensor to what it gets instead of the recipe's
 *     settings (ONNX Runtime's TensorQuantOverrides), sorted
 */
public record Recipe(
    CalibrationMethod method,
    double percentile,
    QuantType activationType,
    boolean symmetricActivations,
    QuantType weightType,
    boolean perChannel,
    int weightBlockSize,
    List<String> floatNodes,
    List<String> floatOpTypes,
    Map<String, CalibrationMethod> tensorMethods,
    boolean biasCorrection,
    Map<String, TensorOverride> tensorOverrides) implements Serializable {

  public Recipe {
    if (method == null) {
      throw new BadArgument("method", "is needed");
    }
    if (!(percentile > 0 && percentile <= 100)) {
      throw new BadArgument("percentile", "must be in (0, 100], got " + percentile);
    }
    // Only the types the exporter writes.
    if (!QdqExporter.ACTIVATION_TYPES.contains(activationType)) {
      throw new BadArgument("activationType", "must be one of "
          + QdqExporter.ACTIVATION_TYPES + ", got " + activationType);
    }
    if (!WeightQuantization.TYPES.contains(weightType)) {
      throw new BadArgument("weightType", "must be one of " + WeightQuantization.TYPES
          + ", got " + weightType);
    }
    floatNodes = sorted(floatNodes);
    floatOpTypes = sorted(floatOpTypes);
    tensorMethods = java.util.Collections.unmodifiableMap(new TreeMap<>(tensorMethods));
    tensorOverrides = java.util.Collections.unmodifiableMap(new TreeMap<>(tensorOverrides));
    NodeSelection.ALL.excludeOpTypes(floatOpTypes); // refuses unknown op types
    requireBlockSize(weightBlockSize);
    weightQuantization(weightType, perChannel, weightBlockSize); // refuses what cannot be written
  }

  /** A builder with the defaults of {@link Defaults}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this recipe. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.method = method;
    b.percentile = percentile;
    b.activationType = activationType;
    b.symmetricActivations = symmetricActivations;
    b.weightType = weightType;
    b.perChannel = perChannel;
    b.weightBlockSize = weightBlockSize;
    b.floatNodes.addAll(floatNodes);
    b.floatOpTypes.addAll(floatOpTypes);
    b.tensorMethods.putAll(tensorMethods);
    b.biasCorrection = biasCorrection;
    b.tensorOverrides.putAll(tensorOverrides);
    return b;
  }

  /** This recipe with another method. */
  public Recipe withMethod(CalibrationMethod m) {
    return toBuilder().method(m).build();
  }

  /** This recipe with more nodes kept in float. */
  public Recipe withFloatNodes(Collection<String> names) {
    return toBuilder().floatNodes(names).build();
  }

  /** This recipe with bias correction on or off. */
  public Recipe withBiasCorrection(boolean on) {
    return on == biasCorrection ? this : toBuilder().biasCorrection(on).build();
  }

  /** The nodes this recipe quantizes (before any node the model's own preparation removed). */
  public NodeSelection selection() {
    return NodeSelection.ALL.excludeNodes(floatNodes).excludeOpTypes(floatOpTypes);
  }

  /** The rule of activation parameters. */
  public QuantRule activationRule() {
    return symmetricActivations ? QuantRule.SYMMETRIC : QuantRule.ASYMMETRIC;
  }

  /** How weights are quantized: symmetric, per channel unless told otherwise. */
  public WeightQuantization weightQuantization() {
    return weightQuantization(weightType, perChannel, weightBlockSize);
  }

  private static WeightQuantization weightQuantization(QuantType type, boolean perChannel,
      int blockSize) {
    // Symmetric; 4-bit blocks take their rule from the type (NibbleBlocks: uint4 asymmetric).
    return new WeightQuantization(type, perChannel, true, false, blockSize);
  }

  private static int requireBlockSize(int size) {
    if (!org.qcal.onnx.NibbleBlocks.validBlockSize(size)) {
      throw new BadArgument("weightBlockSize", "must be a power of two in [16, 256], got "
          + size);
    }
    return size;
  }

  /** The method used for {@code tensor}. */
  public CalibrationMethod methodOf(String tensor) {
    return tensorMethods.getOrDefault(tensor, method);
  }

  /** The calibrator settings of {@code m} under this recipe's activation type and rule. */
  public CalibrationOptions calibrationOptions() {
    return CalibrationOptions.defaults().withType(activationType).withRule(activationRule())
        .withPercentile(percentile);
  }

  /**
   * Whether a method gives the same range under this recipe as under {@code other}: the same
   * calibrator settings (activation type, rule, percentile; see {@link #calibrationOptions()}).
   */
  public boolean calibratesLike(Recipe other) {
    return activationType == other.activationType
        && symmetricActivations == other.symmetricActivations
        && Double.compare(percentile, other.percentile) == 0;
  }

  /** The range this recipe derives for {@code tensor} from its statistics. */
  public Range range(String tensor, TensorStats stats, Histogram histogram) {
    return methodOf(tensor).create(calibrationOptions()).calibrate(stats, histogram);
  }

  /** The activation parameters of a range under this recipe. */
  public QuantParams params(Range range) {
    return QuantParams.fromRange(range.min(), range.max(), activationType, activationRule());
  }

  /**
   * The overrides by the tapped tensor whose params they replace ({@link
   * CalibrationPlan#paramsSource}); refuses two overrides of tensors that share their params,
   * and, when {@code strict}, an override of a tensor {@code plan} does not quantize (calibrate
   * checks so before its pass; an export skips them, as tune's float fallback may keep an
   * overridden tensor in float).
   */
  public Map<String, TensorOverride> overridesByTappedTensor(CalibrationPlan plan,
      boolean strict) {
    Map<String, TensorOverride> bySource = new TreeMap<>();
    Map<String, String> keyOfSource = new TreeMap<>();
    java.util.Set<String> quantized = new java.util.HashSet<>(plan.quantizedTensors());
    for (Map.Entry<String, TensorOverride> e : tensorOverrides.entrySet()) {
      if (!quantized.contains(e.getKey())) {
        if (!strict) {
          continue;
        }
        throw new BadArgument("tensorOverrides", "entry '" + e.getKey() + "': model "
            + plan.modelName() + " quantizes no activation tensor of that name");
      }
      String source = plan.paramsSource(e.getKey());
      String other = keyOfSource.put(source, e.getKey());
      if (other != null) {
        throw new BadArgument("tensorOverrides", "entries '" + other + "' and '" + e.getKey()
            + "' name tensors that share their parameters (measured as '" + source
            + "'): keep one");
      }
      bySource.put(source, e.getValue());
    }
    return bySource;
  }

  private static List<String> sorted(Collection<String> names) {
    return List.copyOf(new java.util.TreeSet<>(names));
  }

  /** Builds a {@link Recipe}; each setter validates what it can alone. */
  public static final class Builder {
    private CalibrationMethod method = Defaults.METHOD;
    private double percentile = Defaults.PERCENTILE;
    private QuantType activationType = Defaults.ACTIVATION_TYPE;
    private boolean symmetricActivations = Defaults.SYMMETRIC_ACTIVATIONS;
    private QuantType weightType = Defaults.WEIGHT_TYPE;
    private boolean perChannel = Defaults.PER_CHANNEL;
    private int weightBlockSize = Defaults.WEIGHT_BLOCK_SIZE;
    private final java.util.Set<String> floatNodes = new java.util.TreeSet<>();
    private final java.util.Set<String> floatOpTypes = new java.util.TreeSet<>();
    private final Map<String, CalibrationMethod> tensorMethods = new LinkedHashMap<>();
    private boolean biasCorrection = Defaults.BIAS_CORRECTION;
    private final Map<String, TensorOverride> tensorOverrides = new LinkedHashMap<>();

    private Builder() {}

    /** The calibration method (default {@link Defaults#METHOD}). */
    public Builder method(CalibrationMethod m) {
      this.method = requireNonNull(m, "method");
      return this;
    }

    /** The percentile method's share of values kept, in (0, 100] (default 99.999). */
    public Builder percentile(double p) {
      if (!(p > 0 && p <= 100)) {
        throw new BadArgument("percentile", "must be in (0, 100], got " + p);
      }
      this.percentile = p;
      return this;
    }

    /** uint8 (default), int8, uint16 or int16. */
    public Builder activationType(QuantType type) {
      this.activationType = requireNonNull(type, "activation type");
      return this;
    }

    /** Symmetric activation ranges (default false: asymmetric, as ONNX Runtime's default). */
    public Builder symmetricActivations(boolean on) {
      this.symmetricActivations = on;
      return this;
    }

    /** int8 (default), uint8, int4 or uint4 (MatMul and Gemm weights as MatMulNBits). */
    public Builder weightType(QuantType type) {
      this.weightType = requireNonNull(type, "weight type");
      return this;
    }

    /** Weights per output channel (default true). */
    public Builder perChannel(boolean on) {
      this.perChannel = on;
      return this;
    }

    /** 4-bit weights: values along K per block, a power of two in [16, 256] (default 32). */
    public Builder weightBlockSize(int size) {
      this.weightBlockSize = requireBlockSize(size);
      return this;
    }

    /** Adds node names kept in float (ONNX Runtime's nodes_to_exclude). */
    public Builder floatNodes(Collection<String> names) {
      names.forEach(n -> floatNodes.add(requireNonNull(n, "node name")));
      return this;
    }

    /** Adds op types kept in float, e.g. Gemm. */
    public Builder floatOpTypes(Collection<String> ops) {
      NodeSelection.ALL.excludeOpTypes(ops);
      floatOpTypes.addAll(ops);
      return this;
    }

    /** Calibrates {@code tensor} with {@code m} instead of the recipe's method. */
    public Builder tensorMethod(String tensor, CalibrationMethod m) {
      tensorMethods.put(requireNonNull(tensor, "tensor name"), requireNonNull(m, "method"));
      return this;
    }

    /**
     * Folds the calibration's measured bias shifts into the biases (default {@link
     * Defaults#BIAS_CORRECTION}).
     */
    public Builder biasCorrection(boolean on) {
      this.biasCorrection = on;
      return this;
    }

    /**
     * Gives activation {@code tensor} {@code override} instead of this recipe's settings (ONNX
     * Runtime's TensorQuantOverrides; none by default).
     */
    public Builder tensorOverride(String tensor, TensorOverride override) {
      tensorOverrides.put(requireNonNull(tensor, "tensor name"),
          requireNonNull(override, "tensor override"));
      return this;
    }

    /** {@link #tensorOverride} for each entry of {@code overrides}. */
    public Builder tensorOverrides(Map<String, TensorOverride> overrides) {
      overrides.forEach(this::tensorOverride);
      return this;
    }

    public Recipe build() {
      return new Recipe(method, percentile, activationType, symmetricActivations, weightType,
          perChannel, weightBlockSize, List.copyOf(floatNodes), List.copyOf(floatOpTypes),
          tensorMethods, biasCorrection, tensorOverrides);
    }

    private static <T> T requireNonNull(T value, String what) {
      if (value == null) {
        throw new BadArgument(what, "must not be null");
      }
      return value;
    }
  }
}
