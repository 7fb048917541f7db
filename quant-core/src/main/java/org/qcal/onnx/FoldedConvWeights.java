package org.qcal.onnx;

/**
 * The weight and bias of a Conv that computes what Conv followed by an inference-mode
 * BatchNormalization computes. BatchNormalization (ONNX operator docs) maps channel {@code o}
 * of its input to {@code (x - mean[o]) / sqrt(var[o] + epsilon) * scale[o] + B[o]}; a Conv's
 * output channel {@code o} is {@code W[o] * input + b[o]} whatever its group. So with {@code
 * s = scale / sqrt(var + epsilon)}: {@code W'[o, ...] = W[o, ...] * s[o]} and {@code b' = (b -
 * mean) * s + B}. Computed in double, stored as float32 (docs/DESIGN.md, quantization math).
 *
 * @param weight W', same layout as W ({@code [M, C/group, k...]}, row-major)
 * @param bias b', one value per output channel
 */
record FoldedConvWeights(float[] weight, float[] bias) {

  /**
   * The folded weights, or null when a value would not be finite (a negative variance, a zero
   * {@code var + epsilon}): the BatchNormalization then stays as it is.
   *
   * @param weight W, {@code channels} blocks of equal length
   * @param bias b, or null for a Conv without bias (b = 0)
   * @param scale BatchNormalization's scale, one per channel, and likewise {@code shift} (its
   *     input B), {@code mean} and {@code variance}
   */
  static FoldedConvWeights of(float[] weight, float[] bias, float[] scale, float[] shift,
      float[] mean, float[] variance, double epsilon) {
    int channels = scale.length;
    int block = weight.length / channels;
    float[] w = new float[weight.length];
    float[] b = new float[channels];
    for (int o = 0; o < channels; o++) {
      double s = scale[o] / Math.sqrt(variance[o] + epsilon);
      double folded = ((bias == null ? 0.0 : bias[o]) - mean[o]) * s + shift[o];
      b[o] = (float) folded;
      if (!Double.isFinite(s) || !Float.isFinite(b[o])) {
        return null;
      }
      for (int k = o * block; k < (o + 1) * block; k++) {
        w[k] = (float) (weight[k] * s);
        if (!Float.isFinite(w[k])) {
          return null;
        }
      }
    }
    return new FoldedConvWeights(w, b);
  }
}
