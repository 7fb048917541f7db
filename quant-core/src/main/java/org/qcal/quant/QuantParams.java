package org.qcal.quant;

import java.io.Serializable;
import java.util.Arrays;
import org.qcal.Check;
import org.qcal.QcalException;

/**
 * Scale and zero point of a quantized tensor: one pair per tensor, or one pair per channel along
 * {@link #axis()}. Immutable. The meaning is ONNX's: {@code q = saturate(rint(x / scale) + zp)},
 * {@code x = (q - zp) * scale}.
 *
 * <p>{@link #fromRange} implements docs/DESIGN.md's rule, in double and stored as float32:
 *
 * <ol>
 *   <li>the range is widened to contain 0: {@code rmin = min(rmin, 0)}, {@code rmax = max(rmax,
 *       0)};
 *   <li>asymmetric: {@code scale = (rmax - rmin) / (qmax - qmin)}, {@code zp = clamp(rint(qmin -
 *       rmin / scale), qmin, qmax)};
 *   <li>symmetric: {@code amax = max(|rmin|, |rmax|)}, {@code scale = amax / ((qmax - qmin) / 2)},
 *       {@code zp = rint((qmin + qmax) / 2)}: 0 for signed types (restricted range, int8
 *       -127..127), the midpoint for unsigned ones (uint8 {@code rint(127.5) = 128}, uint16 32768),
 *       as ONNX Runtime's {@code compute_scale_zp} does ("zero point values for int8, uint8,
 *       int16, and uint16 are always 0, 128, 0, and 32768");
 *   <li>{@code rint} is round half to even; the zero point uses the double scale, before it is
 *       rounded to float32 (as ONNX Runtime does);
 *   <li>if the float32 scale is not a normal number (the range is all zeros or too small, e.g.
 *       {@code [0, 1e-45]}), the result is scale 1, zero point 0: every value then quantizes to 0,
 *       which is the best the type can do, and no later division by a subnormal scale overflows.
 * </ol>
 */
public final class QuantParams implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Axis value of per-tensor parameters. */
  public static final int PER_TENSOR = -1;

  private final QuantType type;
  private final int axis;
  private final float[] scales;
  private final int[] zeroPoints;

  private QuantParams(QuantType type, int axis, float[] scales, int[] zeroPoints) {
    this.type = type;
    this.axis = axis;
    this.scales = scales;
    this.zeroPoints = zeroPoints;
  }

  /** Per-tensor parameters given directly; the scale must be finite and > 0. */
  public static QuantParams of(float scale, int zeroPoint, QuantType type) {
    return perChannel(new float[] {scale}, new int[] {zeroPoint}, PER_TENSOR, type);
  }

  /** Per-channel parameters given directly; {@code axis} is {@link #PER_TENSOR} or >= 0. */
  public static QuantParams perChannel(float[] scales, int[] zeroPoints, int axis,
      QuantType type) {
    Check.notNull(type, "type");
    Check.notNull(scales, "scales");
    Check.notNull(zeroPoints, "zeroPoints");
    Check.that(scales.length == zeroPoints.length && scales.length > 0, "scales and zeroPoints",
        "non-empty and of equal length", scales.length + " and " + zeroPoints.length);
    Check.that(axis >= PER_TENSOR, "axis", ">= 0 (or -1 for per tensor)", axis);
    Check.that(axis != PER_TENSOR || scales.length == 1, "per-tensor params",
        "a single scale", scales.length + " scales");
    for (int c = 0; c < scales.length; c++) {
      Check.positive(scales[c], "scale[" + c + "]");
      Check.that(zeroPoints[c] >= type.fullMin() && zeroPoints[c] <= type.fullMax(),
          "zero point[" + c + "]", "in " + type + " range [" + type.fullMin() + ", "
              + type.fullMax() + "]", zeroPoints[c]);
    }
    return new QuantParams(type, axis, scales.clone(), zeroPoints.clone());
  }

  /** Per-tensor parameters of the range {@code [rmin, rmax]} (see the class comment). */
  public static QuantParams fromRange(double rmin, double rmax, QuantType type, QuantRule rule) {
    Check.notNull(type, "type");
    Check.notNull(rule, "rule");
    long[] zp = new long[1];
    float scale = scaleAndZeroPoint(rmin, rmax, type, rule, zp, "range");
    return new QuantParams(type, PER_TENSOR, new float[] {scale}, new int[] {(int) zp[0]});
  }

  /** Per-channel parameters, channel {@code c} from {@code [rmins[c], rmaxs[c]]}. */
  public static QuantParams fromRanges(float[] rmins, float[] rmaxs, int axis, QuantType type,
      QuantRule rule) {
    Check.notNull(type, "type");
    Check.notNull(rule, "rule");
    Check.notNull(rmins, "rmins");
    Check.notNull(rmaxs, "rmaxs");
    Check.that(rmins.length == rmaxs.length && rmins.length > 0, "rmins and rmaxs",
        "non-empty and of equal length", rmins.length + " and " + rmaxs.length);
    Check.that(axis >= 0, "axis", ">= 0", axis);
    float[] scales = new float[rmins.length];
    int[] zps = new int[rmins.length];
    long[] zp = new long[1];
    for (int c = 0; c < rmins.length; c++) {
      scales[c] = scaleAndZeroPoint(rmins[c], rmaxs[c], type, rule, zp, "range of channel " + c);
      zps[c] = (int) zp[0];
    }
    return new QuantParams(type, axis, scales, zps);
  }

  /**
   * Bias parameters (docs/DESIGN.md): int32, zero point 0, {@code scale[c] = inputScale *
   * weight.scale(c)} formed in double and rounded once to float32, per channel exactly when the
   * weight is (a bias is 1-D, so its axis is 0).
   */
  public static QuantParams forBias(float inputScale, QuantParams weight) {
    Check.positive(inputScale, "input scale");
    Check.notNull(weight, "weight params");
    float[] scales = new float[weight.channels()];
    for (int c = 0; c < scales.length; c++) {
      scales[c] = (float) ((double) inputScale * weight.scales[c]);
      if (!(scales[c] >= Float.MIN_NORMAL) || Float.isInfinite(scales[c])) {
        throw new QcalException("bias scale of channel " + c + " = " + inputScale + " * "
            + weight.scales[c] + " must be a normal float32, got " + scales[c]);
      }
    }
    int axis = weight.isPerChannel() ? 0 : PER_TENSOR;
    return new QuantParams(QuantType.INT32, axis, scales, new int[scales.length]);
  }

  /** Returns the float32 scale and writes the zero point into {@code zpOut[0]}. */
  private static float scaleAndZeroPoint(double rmin, double rmax, QuantType type,
      QuantRule rule, long[] zpOut, String what) {
    Check.finite(rmin, what + " min");
    Check.finite(rmax, what + " max");
    Check.that(rmin <= rmax, what, "min <= max", "[" + rmin + ", " + rmax + "]");
    double lo = Math.min(rmin, 0.0);
    double hi = Math.max(rmax, 0.0);
    long qmin = type.qmin(rule);
    long qmax = type.qmax(rule);
    double scale;
    long zp;
    if (rule.symmetric()) {
      double amax = Math.max(-lo, hi);
      scale = amax / ((qmax - qmin) / 2.0);
      zp = (long) Math.rint((qmin + qmax) / 2.0);
    } else {
      scale = (hi - lo) / (qmax - qmin);
      zp = (long) Math.rint(qmin - lo / scale);
      zp = Math.max(qmin, Math.min(qmax, zp));
    }
    float stored = (float) scale;
    if (!(stored >= Float.MIN_NORMAL)) {
      zpOut[0] = 0;
      return 1f;
    }
    if (Float.isInfinite(stored)) {
      throw new QcalException(what + " must give a scale that fits float32, got [" + rmin + ", "
          + rmax + "] -> " + scale);
    }
    zpOut[0] = zp;
    return stored;
  }

  public QuantType type() {
    return type;
  }

  /** The channel axis, or {@link #PER_TENSOR}. */
  public int axis() {
    return axis;
  }

  public boolean isPerChannel() {
    return axis != PER_TENSOR;
  }

  /** Number of (scale, zero point) pairs: 1 per tensor. */
  public int channels() {
    return scales.length;
  }

  /** The scale of per-tensor parameters. */
  public float scale() {
    requirePerTensor();
    return scales[0];
  }

  /** The zero point of per-tensor parameters. */
  public int zeroPoint() {
    requirePerTensor();
    return zeroPoints[0];
  }

  public float scale(int channel) {
    Check.slice(scales.length, channel, 1, "channel");
    return scales[channel];
  }

  public int zeroPoint(int channel) {
    Check.slice(zeroPoints.length, channel, 1, "channel");
    return zeroPoints[channel];
  }

  /** A copy of the scales, one per channel. */
  public float[] scales() {
    return scales.clone();
  }

  /** A copy of the zero points, one per channel. */
  public int[] zeroPoints() {
    return zeroPoints.clone();
  }

  private void requirePerTensor() {
    if (isPerChannel()) {
      throw new QcalException("params must be per tensor for scale()/zeroPoint(), got "
          + scales.length + " channels along axis " + axis);
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof QuantParams)) {
      return false;
    }
    QuantParams p = (QuantParams) o;
    return type == p.type && axis == p.axis && Arrays.equals(scales, p.scales)
        && Arrays.equals(zeroPoints, p.zeroPoints);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * (31 * type.hashCode() + axis) + Arrays.hashCode(scales))
        + Arrays.hashCode(zeroPoints);
  }

  @Override
  public String toString() {
    if (!isPerChannel()) {
      return "QuantParams{" + type + ", scale=" + scales[0] + ", zp=" + zeroPoints[0] + "}";
    }
    return "QuantParams{" + type + ", axis=" + axis + ", scales=" + Arrays.toString(scales)
        + ", zps=" + Arrays.toString(zeroPoints) + "}";
  }
}
