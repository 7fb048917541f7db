package org.qcal.calib;

import org.qcal.quant.QuantRule;
import org.qcal.quant.QuantType;

/** Every calibration default, in one place. Each is configurable through {@link CalibrationOptions}. */
public final class CalibrationDefaults {
  private CalibrationDefaults() {}

  /**
   * Percentile of the percentile method: 99.999, ONNX Runtime's default ({@code
   * create_calibrator}, calibrate.py: {@code extra_options.get("percentile", 99.999)}).
   */
  public static final double PERCENTILE = 99.999;

  /**
   * Histogram bins per side of zero, N in docs/DESIGN.md's grid {@code w = absmax / N}. 2048 is the
   * histogram size of TensorRT's entropy calibration (GTC 2017, "8-bit Inference with TensorRT")
   * and ONNX Runtime's percentile default ({@code num_bins = 2048}).
   */
  public static final int BINS_PER_SIDE = 2048;

  /**
   * Target quantization levels of the entropy method: 128, the magnitude levels of int8 in
   * TensorRT's algorithm (GTC 2017) and ONNX Runtime's {@code num_quantized_bins}.
   */
  public static final int ENTROPY_LEVELS = 128;

  /**
   * Smoothing of zero bins before the KL divergence: zeros become this many counts and the mass
   * is taken evenly off the non-zero bins, as in MXNet's and ONNX Runtime's {@code
   * smooth_distribution(p, eps=0.0001)}.
   */
  public static final double ENTROPY_SMOOTHING = 1e-4;

  /** Activations: uint8, asymmetric, per tensor (docs/DESIGN.md). */
  public static final QuantType ACTIVATION_TYPE = QuantType.UINT8;

  /** Activations: uint8, asymmetric, per tensor (docs/DESIGN.md). */
  public static final QuantRule ACTIVATION_RULE = QuantRule.ASYMMETRIC;
}
