package org.qcal.jobs.validate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.qcal.Check;
import org.qcal.ElementType;
import org.qcal.QcalException;
import org.qcal.onnx.OnnxModel;
import org.qcal.onnx.TapAugmenter;
import org.qcal.onnx.TapModel;
import org.qcal.onnx.proto.Onnx.GraphProto;
import org.qcal.onnx.proto.Onnx.NodeProto;
import org.qcal.onnx.proto.Onnx.TypeProto;
import org.qcal.onnx.proto.Onnx.ValueInfoProto;
import org.qcal.runtime.ModelDigest;
import org.qcal.runtime.ModelSignature;
import org.qcal.runtime.ModelSource;
import org.qcal.runtime.RuntimeOptions;
import org.qcal.runtime.SessionCache;
import org.qcal.runtime.TensorSpec;

/**
 * The driver's model work for a validation, done before any data is read: the candidates are
 * checked against the FP32 model (same inputs, every FP32 output), the quantized tensors to
 * compare are found, and the tap models are written: the FP32 model with those tensors as
 * outputs, and each candidate with its quantized values of them as outputs ({@link TensorTap}).
 *
 * <p>Which tensors: every FP32 tensor that some candidate quantizes (a Q -> DQ pair on it), in
 * FP32 graph order. Each candidate is compared on the ones it quantizes. The error measured at a
 * tensor is cumulative: the DQ output carries the quantization of that tensor and the error of
 * everything quantized before it, which is what decides what the next layer sees.
 */
public final class PreparedValidation {
  private final OnnxModel fp32;
  private final String fp32Path;
  private final String fp32Sha256;
  private final List<Candidate> candidates;
  private final RuntimeOptions runtime;
  private final ModelSource referenceTap;
  private final ModelSignature referenceSignature;
  private final List<String> tensors;
  private final Map<String, String> referenceTensorOutputs;
  private final List<ModelSource> candidateTaps = new ArrayList<>();
  private final List<Map<String, TensorTap>> candidateTensorTaps = new ArrayList<>();
  private final List<String> outputs;

  private PreparedValidation(OnnxModel fp32, String fp32Path, String fp32Sha256,
      List<Candidate> candidates, boolean tensorErrors, RuntimeOptions runtime) {
    this.fp32 = fp32;
    this.fp32Path = fp32Path;
    this.fp32Sha256 = fp32Sha256;
    this.candidates = List.copyOf(candidates);
    this.runtime = runtime;
    for (Candidate c : candidates) {
      ModelInterface.requireSameInputs(fp32, c.model(), describe(c));
    }
    this.tensors = tensorErrors ? quantizedTensors(fp32, candidates) : List.of();
    TapModel tap = TapAugmenter.augment(fp32, tensors);
    byte[] tapBytes = tap.toByteArray();
    this.referenceTap = ModelSource.of(fp32Path + " (validation taps)",
        ModelDigest.sha256Hex(tapBytes), tapBytes);
    this.referenceSignature = SessionCache.signature(referenceTap, runtime);
    this.referenceTensorOutputs = tap.tapOutputs();
    this.outputs = floatOutputs(tap.originalOutputs(), referenceSignature);
    if (outputs.isEmpty()) {
      throw new QcalException("model " + fp32Path + " has no float32 output to compare; its "
          + "outputs are " + referenceSignature.outputs());
    }
    for (Candidate c : candidates) {
      ModelInterface.requireOutputs(c.model(), outputs, describe(c));
      Map<String, TensorTap> taps = new LinkedHashMap<>();
      for (String t : tensors) { // FP32 graph order
        QdqTensors.Pair pair = c.quantizedTensors().get(t);
        if (pair != null) {
          taps.put(t, TensorTap.of(pair));
        }
      }
      byte[] bytes = withOutputs(c.model(), taps.values()).toByteArray();
      candidateTaps.add(ModelSource.of(c.name() + " (validation taps)",
          ModelDigest.sha256Hex(bytes), bytes));
      candidateTensorTaps.add(taps);
    }
  }

  /** {@code model} with every tap's output as a graph output of its element type. */
  private static OnnxModel withOutputs(OnnxModel model, Iterable<TensorTap> taps) {
    Set<String> present = new HashSet<>(ModelInterface.outputs(model));
    GraphProto.Builder graph = model.graph().toBuilder();
    for (TensorTap tap : taps) {
      if (present.add(tap.output())) {
        graph.addOutput(ValueInfoProto.newBuilder().setName(tap.output()).setType(
            TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(tap.onnxType()))));
      }
    }
    return model.derive(model.proto().toBuilder().setGraph(graph).build());
  }

  /**
   * Checks and prepares the validation of {@code candidates} (at least one, unique names)
   * against {@code fp32}; with {@code tensorErrors} false only the outputs are compared.
   */
  public static PreparedValidation prepare(OnnxModel fp32, String fp32Path, String fp32Sha256,
      List<Candidate> candidates, boolean tensorErrors, RuntimeOptions runtime) {
    Check.notNull(fp32, "FP32 model");
    Check.notNull(runtime, "runtime options");
    if (candidates == null || candidates.isEmpty()) {
      throw new QcalException("nothing to validate: give --quantized models or --calibration");
    }
    Set<String> names = new HashSet<>();
    for (Candidate c : candidates) {
      if (!names.add(c.name())) {
        throw new QcalException("two candidates are named '" + c.name() + "'");
      }
    }
    return new PreparedValidation(fp32, fp32Path, fp32Sha256, candidates, tensorErrors, runtime);
  }

  /** Every FP32 tensor some candidate quantizes, in FP32 graph order (inputs, then nodes). */
  private static List<String> quantizedTensors(OnnxModel fp32, List<Candidate> candidates) {
    Set<String> quantized = new HashSet<>();
    candidates.forEach(c -> quantized.addAll(c.dequantized().keySet()));
    Set<String> ordered = new LinkedHashSet<>();
    for (ValueInfoProto v : fp32.graph().getInputList()) {
      if (quantized.contains(v.getName())) {
        ordered.add(v.getName());
      }
    }
    for (NodeProto node : fp32.graph().getNodeList()) {
      for (String out : node.getOutputList()) {
        if (quantized.contains(out)) {
          ordered.add(out);
        }
      }
    }
    return List.copyOf(ordered);
  }

  private static List<String> floatOutputs(List<String> names, ModelSignature signature) {
    List<String> result = new ArrayList<>();
    for (String name : names) {
      if (signature.output(name).type() == ElementType.FLOAT32) {
        result.add(name);
      }
    }
    return result;
  }

  static String describe(Candidate c) {
    return "quantized model '" + c.name() + "'";
  }

  /** The FP32 model's inputs and outputs (as the tap model has them), for binding data. */
  public ModelSignature signature() {
    return referenceSignature;
  }

  /** The first compared output: the class scores, when they are. */
  public String primaryOutput() {
    return outputs.get(0);
  }

  /**
   * Whether the primary output can be class scores: declared rank 2 with at least 2 classes (or
   * a dynamic class dim, then checked on the first batch).
   */
  public boolean primaryOutputIsClassScores() {
    TensorSpec spec = referenceSignature.output(primaryOutput());
    return spec.rank() == 2 && (spec.dim(1) >= 2 || spec.dim(1) == TensorSpec.DYNAMIC);
  }

  /** The declared type and shape of the primary output, for messages. */
  public TensorSpec primaryOutputSpec() {
    return referenceSignature.output(primaryOutput());
  }

  public OnnxModel fp32() {
    return fp32;
  }

  public String fp32Path() {
    return fp32Path;
  }

  public String fp32Sha256() {
    return fp32Sha256;
  }

  public List<Candidate> candidates() {
    return candidates;
  }

  /** The FP32 float outputs compared, in model order. */
  public List<String> outputs() {
    return outputs;
  }

  /** The quantized tensors compared, in FP32 graph order (empty without tensor errors). */
  public List<String> tensors() {
    return tensors;
  }

  RuntimeOptions runtime() {
    return runtime;
  }

  ModelSource referenceTap() {
    return referenceTap;
  }

  String referenceTensorOutput(String tensor) {
    return referenceTensorOutputs.get(tensor);
  }

  ModelSource candidateTap(int k) {
    return candidateTaps.get(k);
  }

  /** Candidate k's tensors (FP32 graph order) -> where its tap model carries each. */
  Map<String, TensorTap> candidateTensorTaps(int k) {
    return candidateTensorTaps.get(k);
  }

  /** Index of each tensor in {@link #tensors()}. */
  Map<String, Integer> tensorIndex() {
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < tensors.size(); i++) {
      index.put(tensors.get(i), i);
    }
    return index;
  }
}
