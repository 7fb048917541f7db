package org.qcal.onnx;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.qcal.quant.QuantParams;

/**
 * The result of a QDQ export: the quantized model, the params the driver computed for weights
 * and biases (for calibration.json), and notes on every fallback the exporter took (per-tensor
 * weights for want of opset 13, ...).
 */
public final class QdqModel {
  private final OnnxModel model;
  private final Map<String, QuantParams> weightParams;
  private final Map<String, QuantParams> biasParams;
  private final List<String> notes;

  QdqModel(OnnxModel model, Map<String, QuantParams> weightParams,
      Map<String, QuantParams> biasParams, List<String> notes) {
    this.model = model;
    this.weightParams = Collections.unmodifiableMap(new LinkedHashMap<>(weightParams));
    this.biasParams = Collections.unmodifiableMap(new LinkedHashMap<>(biasParams));
    this.notes = List.copyOf(notes);
  }

  public OnnxModel model() {
    return model;
  }

  public byte[] toByteArray() {
    return model.toByteArray();
  }

  /** Weight (or constant operand) initializer name -> its params (per channel or per tensor). */
  public Map<String, QuantParams> weightParams() {
    return weightParams;
  }

  /** Bias initializer name -> its int32 params. */
  public Map<String, QuantParams> biasParams() {
    return biasParams;
  }

  /** One line per fallback taken, empty when the export went as asked. */
  public List<String> notes() {
    return notes;
  }

  /**
   * The same export with {@code earlier} notes first: what was done to the model before the
   * export (a bias correction left out for a node, ...), reported with the exporter's own.
   */
  public QdqModel withNotesBefore(List<String> earlier) {
    if (earlier.isEmpty()) {
      return this;
    }
    List<String> all = new java.util.ArrayList<>(earlier);
    all.addAll(notes);
    return new QdqModel(model, weightParams, biasParams, all);
  }
}
