package org.qcal.jobs.validate;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.qcal.Check;
import org.qcal.jobs.api.QuantizedExport;
import org.qcal.onnx.OnnxModel;
import org.qcal.runtime.ModelDigest;

/**
 * One quantized model to validate against the FP32 model: a QDQ model as it would be deployed,
 * with a name for the report and the map from each quantized FP32 tensor to the DQ output that
 * carries its quantized value (for the per-tensor error analysis). Lives on the driver.
 *
 * <p>Build one from a {@link QuantizedExport} (what calibrate and tune produce) or from any QDQ
 * model (a {@code --quantized} file).
 */
public final class Candidate {
  private final String name;
  private final String source;
  private final OnnxModel model;
  private final byte[] bytes;
  private final String sha256;
  private final Map<String, QdqTensors.Pair> quantized;
  private final Map<String, String> dequantized;

  private Candidate(String name, String source, OnnxModel model, byte[] bytes, String sha256) {
    this.name = Check.notNull(name, "candidate name");
    this.source = Check.notNull(source, "candidate source");
    this.model = Check.notNull(model, "candidate model");
    this.bytes = bytes;
    this.sha256 = sha256;
    this.quantized = Collections.unmodifiableMap(QdqTensors.pairs(model));
    Map<String, String> dq = new LinkedHashMap<>();
    quantized.forEach((tensor, pair) -> dq.put(tensor, pair.dequantized()));
    this.dequantized = Collections.unmodifiableMap(dq);
  }

  /**
   * A candidate from a QDQ model, e.g. a file. {@code sha256} identifies the bytes the user has
   * (the file's digest); null to hash the model's serialized bytes.
   */
  public static Candidate of(String name, String source, OnnxModel qdq, String sha256) {
    byte[] bytes = qdq.toByteArray();
    return new Candidate(name, source, qdq, bytes,
        sha256 != null ? sha256 : ModelDigest.sha256Hex(bytes));
  }

  /** A candidate from one of qcal's own exports (calibrate, tune, validate --calibration). */
  public static Candidate of(QuantizedExport export, String source) {
    return new Candidate(export.name(), source, export.qdq().model(), export.bytes(),
        export.sha256());
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


  @Override
  public String toString() {
    return "candidate '" + name + "' (" + source + ")";
  }
}
