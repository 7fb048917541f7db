package org.qcal.jobs.api;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.qcal.jobs.io.LoadedInputModel;
import org.qcal.onnx.BiasCorrection;
import org.qcal.onnx.CalibrationPlan;
import org.qcal.onnx.WeightSpec;

/**
 * The mean output shift per channel that weight quantization causes in each quantized Conv and
 * Gemm, measured on the calibration rows (bias correction, docs/DESIGN.md): data, like the
 * ranges, so calibration.json stores them and every export that quantizes a node's weight folds
 * its shift into the node's bias.
 *
 * @param byNode node index (in the graph qcal quantizes) to its shift per output channel
 * @param labels node index to the node's label, for calibration.json and the log
 */
public record BiasShifts(Map<Integer, float[]> byNode, Map<Integer, String> labels)
    implements Serializable {
  /** No correction. */
  public static final BiasShifts NONE = new BiasShifts(Map.of(), Map.of());

  public BiasShifts {
    byNode = Collections.unmodifiableMap(new LinkedHashMap<>(byNode));
    labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
  }

  public boolean isEmpty() {
    return byNode.isEmpty();
  }

  /**
   * {@code fp32} with the shifts of the nodes whose weights {@code plan} quantizes folded into
   * their biases; a node kept in float keeps its bias, since its output has no shift. A node
   * whose bias cannot be corrected is left as it is, with a line in {@code notes}.
   */
  public LoadedInputModel applyTo(LoadedInputModel fp32, CalibrationPlan plan,
      List<String> notes) {
    if (isEmpty()) {
      return fp32;
    }
    Map<Integer, float[]> quantized = new LinkedHashMap<>();
    for (WeightSpec w : plan.weights()) {
      float[] shift = byNode.get(w.node());
      if (shift != null) {
        quantized.put(w.node(), shift);
      }
    }
    return fp32.withToQuantize(BiasCorrection.apply(fp32.toQuantize(), quantized, notes));
  }

  /** The largest |shift| of any channel, for the log. */
  public double maxAbsShift() {
    double max = 0;
    for (float[] s : byNode.values()) {
      for (float v : s) {
        max = Math.max(max, Math.abs(v));
      }
    }
    return max;
  }

  /** The count of channels corrected. */
  public int channels() {
    return byNode.values().stream().mapToInt(s -> s.length).sum();
  }
}
