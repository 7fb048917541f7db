package org.qcal.jobs.api;

import java.io.Serializable;
import org.qcal.calib.Range;
import org.qcal.onnx.QdqExporter;
import org.qcal.quant.QuantParams;
import org.qcal.quant.QuantRule;
import org.qcal.quant.QuantType;

/**
 * What one activation tensor gets instead of the recipe's settings, after ONNX Runtime's {@code
 * TensorQuantOverrides} (onnxruntime/python/tools/quantization/quantize.py, the
 * {@code extra_options} key of that name): {@code quant_type}, {@code symmetric}, {@code
 * reduce_range}, a fixed range {@code rmin}/{@code rmax} in place of the calibrated one, or a
 * fixed {@code scale} with {@code zero_point} (docs/DESIGN.md "Per-tensor overrides"). A null
 * component is not overridden: the recipe's value (or the calibrated range) applies. As in ONNX
 * Runtime, a fixed scale and zero point exclude every other key but the type.
 *
 * @param type the activation type, or null for the recipe's
 * @param symmetric symmetric range, or null for the recipe's
 * @param reduceRange reduce_range, or null for false (the recipe never reduces activations)
 * @param rmin the range's low end, or null for the calibrated one
 * @param rmax the range's high end, or null for the calibrated one
 * @param scale a fixed scale, with {@code zeroPoint}; or null
 * @param zeroPoint a fixed zero point, with {@code scale}; or null
 */
public record TensorOverride(QuantType type, Boolean symmetric, Boolean reduceRange,
    Double rmin, Double rmax, Float scale, Integer zeroPoint) implements Serializable {

  public TensorOverride {
    if (type != null && !QdqExporter.ACTIVATION_TYPES.contains(type)) {
      throw new BadArgument("quant_type", "must be one of " + QdqExporter.ACTIVATION_TYPES
          + ", got " + type);
    }
    if ((scale == null) != (zeroPoint == null)) {
      throw new BadArgument("scale", "and zero_point must be given together");
    }
    if (scale != null && (symmetric != null || reduceRange != null || rmin != null
        || rmax != null)) {
      throw new BadArgument("scale", "and zero_point exclude symmetric, reduce_range, rmin and"
          + " rmax");
    }
    if (scale != null && !(scale > 0 && Float.isFinite(scale))) {
      throw new BadArgument("scale", "must be finite and > 0, got " + scale);
    }
    for (Double end : new Double[] {rmin, rmax}) {
      if (end != null && !Double.isFinite(end)) {
        throw new BadArgument("rmin and rmax", "must be finite, got " + end);
      }
    }
    if (rmin != null && rmax != null && rmin > rmax) {
      throw new BadArgument("rmin", "must be <= rmax, got " + rmin + " > " + rmax);
    }
  }

  /** True when the parameters are given, not derived from a range. */
  public boolean fixedParams() {
    return scale != null;
  }

  /** The range the parameters come from: {@code calibrated} with rmin and rmax put in. */
  public Range range(Range calibrated) {
    if (rmin == null && rmax == null) {
      return calibrated;
    }
    float lo = rmin != null ? rmin.floatValue() : calibrated.min();
    float hi = rmax != null ? rmax.floatValue() : calibrated.max();
    if (lo > hi) {
      throw new BadArgument(rmin != null ? "rmin" : "rmax", "leaves an empty range with the"
          + " calibrated end: [" + lo + ", " + hi + "]");
    }
    return Range.of(lo, hi);
  }

  /** The parameters under {@code recipe}, from the tensor's {@code calibrated} range. */
  public QuantParams params(Range calibrated, Recipe recipe) {
    QuantType t = type != null ? type : recipe.activationType();
    if (fixedParams()) {
      if (zeroPoint < t.fullMin() || zeroPoint > t.fullMax()) {
        throw new BadArgument("zero_point", "must be in " + t + "'s range [" + t.fullMin()
            + ", " + t.fullMax() + "], got " + zeroPoint);
      }
      return QuantParams.of(scale, zeroPoint, t);
    }
    QuantRule rule = QuantRule.of(symmetric != null ? symmetric : recipe.symmetricActivations(),
        reduceRange != null && reduceRange);
    Range r = range(calibrated);
    return QuantParams.fromRange(r.min(), r.max(), t, rule);
  }
}
