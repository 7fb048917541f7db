package org.qcal.jobs.validate;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.qcal.Check;
import org.qcal.onnx.CalibrationPlan;
import org.qcal.onnx.OnnxModel;
import org.qcal.onnx.QdqExporter;
import org.qcal.onnx.QdqModel;
import org.qcal.onnx.WeightQuantization;
import org.qcal.quant.QuantParams;
import org.qcal.runtime.ModelDigest;

/**
 * One quantized model to validate against the FP32 model: a QDQ model as it would be deployed,
 * with a name for the report and the map from each quantized FP32 tensor to the DQ output that
 * carries its quantized value (for the per-tensor error analysis). Lives on the driver.
 *
 * <p>Build one with {@link #export} from activation params (what calibrate and tune produce), or
 * with {@link #of} from any QDQ model (a {@code --quantized} file).
 */
public final class Candidate {
  private final String name;
  private final String source;
  private final OnnxModel model;
  private final byte[] bytes;
  private final String sha256;
  private final Map<String, QdqTensors.Pair> quantized;
  private final Map<String, String> dequantized;
  private final Map<String, QuantParams> activationParams;

  private Candidate(String name, String source, OnnxModel model, byte[] bytes, String sha256,
      Map<String, QuantParams> activationParams) {
    this.name = Check.notNull(name, "candidate name");
    this.source = Check.notNull(source, "candidate source");
    this.model = Check.notNull(model, "candidate model");
    this.bytes = bytes;
    this.sha256 = sha256;
    this.quantized = Collections.unmodifiableMap(QdqTensors.pairs(model));
    Map<String, String> dq = new LinkedHashMap<>();
    quantized.forEach((tensor, pair) -> dq.put(tensor, pair.dequantized()));
    this.dequantized = Collections.unmodifiableMap(dq);
    this.activationParams = Collections.unmodifiableMap(new LinkedHashMap<>(activationParams));
  }

  /**
   * A candidate from a QDQ model, e.g. a file. {@code sha256} identifies the bytes the user has
   * (the file's digest); null to hash the model's serialized bytes.
   */
  public static Candidate of(String name, String source, OnnxModel qdq, String sha256) {
    byte[] bytes = qdq.toByteArray();
    return new Candidate(name, source, qdq, bytes,
        sha256 != null ? sha256 : ModelDigest.sha256Hex(bytes), Map.of());
  }

  /**
   * Exports the QDQ model of {@code fp32} with per-tensor {@code activations} (keyed by tapped
   * tensor, as {@link QdqExporter#export} takes them) and {@code weights}, as a candidate.
   */
  public static Candidate export(String name, String source, OnnxModel fp32,
      CalibrationPlan plan, Map<String, QuantParams> activations, WeightQuantization weights) {
    QdqModel qdq = QdqExporter.export(fp32, plan, activations, weights);
    byte[] bytes = qdq.toByteArray();
    return new Candidate(name, source, qdq.model(), bytes, ModelDigest.sha256Hex(bytes),
        activations);
  }

  /** The name in the report: a method id, a file name, a tune step. */
  public String name() {
    return name;
  }

  /** Where it came from, for the report (a calibration.json and method, a file path). */
  public String source() {
    return source;
  }

  /** The QDQ model. */
  public OnnxModel model() {
    return model;
  }

  /** The QDQ model's bytes, as deployed (not a copy: do not modify). */
  public byte[] bytes() {
    return bytes;
  }

  /** SHA-256 of the model as the user has it. */
  public String sha256() {
    return sha256;
  }

  /** Quantized FP32 tensor -> the DQ output carrying it, in node order. */
  public Map<String, String> dequantized() {
    return dequantized;
  }

  /** Quantized FP32 tensor -> its Q/DQ pair (with its params when constant), in node order. */
  public Map<String, QdqTensors.Pair> quantizedTensors() {
    return quantized;
  }

  /** The activation params it was exported with (tapped tensor -> params); empty for files. */
  public Map<String, QuantParams> activationParams() {
    return activationParams;
  }

  @Override
  public String toString() {
    return "candidate '" + name + "' (" + source + ")";
  }
}
