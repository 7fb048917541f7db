package org.qcal.jobs.io;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * TensorRT's native calibration cache, the text file TensorRT's {@code
 * IInt8EntropyCalibrator2::writeCalibrationCache} produces and reads back: a header line {@code
 * TRT-<version>-EntropyCalibration2}, then one line per tensor {@code <name>: <hex>} where hex is
 * the 8 lowercase hex digits of the IEEE-754 float32 bits of the scale {@code amax / 127}.
 * ONNX Runtime's TensorRT execution provider reads the same format.
 */
public final class TensorRtCache {
  /** TensorRT 8.6.1, whose header form later 8.x/10.x versions still parse. */
  public static final int DEFAULT_VERSION = 8601;

  private TensorRtCache() {}

  /**
   * The cache text for tensors mapped to their absolute maxima, in the map's iteration order
   * (pass a sorted map for a deterministic file).
   */
  public static byte[] write(Map<String, Double> amaxByTensor, int version) {
    StringBuilder text = new StringBuilder("TRT-").append(version).append("-EntropyCalibration2\n");
    for (Map.Entry<String, Double> entry : amaxByTensor.entrySet()) {
      text.append(entry.getKey()).append(": ").append(hexScale(entry.getValue())).append('\n');
    }
    return text.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The 8 hex digits of the float32 scale {@code amax / 127} (TensorRT's int8 is symmetric). */
  public static String hexScale(double amax) {
    float scale = (float) (amax / 127.0);
    return String.format("%08x", Float.floatToIntBits(scale));
  }
}
