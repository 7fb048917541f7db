package org.qcal.onnx;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The augmented model of a calibration: the original graph whose outputs also carry every
 * tapped tensor. {@link #tapOutputs()} maps each tapped tensor to the graph output that carries
 * it (today always its own name; callers should still look outputs up here).
 */
public final class TapModel {
  private final OnnxModel model;
  private final Map<String, String> tapOutputs;
  private final List<String> originalOutputs;

  TapModel(OnnxModel model, Map<String, String> tapOutputs, List<String> originalOutputs) {
    this.model = model;
    this.tapOutputs = Collections.unmodifiableMap(new LinkedHashMap<>(tapOutputs));
    this.originalOutputs = List.copyOf(originalOutputs);
  }

  public OnnxModel model() {
    return model;
  }

  /** The serialized augmented model, to broadcast to executors. */
  public byte[] toByteArray() {
    return model.toByteArray();
  }

  /** Tapped tensor -> name of the graph output that carries it, in plan order. */
  public Map<String, String> tapOutputs() {
    return tapOutputs;
  }

  /** The outputs the original model had, in order. */
  public List<String> originalOutputs() {
    return originalOutputs;
  }
}
