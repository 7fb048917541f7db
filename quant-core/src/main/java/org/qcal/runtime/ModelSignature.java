package org.qcal.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.qcal.ElementType;
import org.qcal.QcalException;

/**
 * A model's inputs and outputs in declaration order, as the loaded ORT session reports them
 * (graph inputs that are initializers are not inputs). Immutable.
 */
public final class ModelSignature {
  private final String model;
  private final Map<String, TensorSpec> inputs;
  private final Map<String, TensorSpec> outputs;

  ModelSignature(String model, List<TensorSpec> inputs, List<TensorSpec> outputs) {
    this.model = model;
    this.inputs = index(inputs);
    this.outputs = index(outputs);
  }

  /** Reads the signature of a live session; {@code model} names it in messages. */
  static ModelSignature of(String model, OrtSession session) throws OrtException {
    return new ModelSignature(model, specs(model, session.getInputInfo()),
        specs(model, session.getOutputInfo()));
  }

  public List<TensorSpec> inputs() {
    return List.copyOf(inputs.values());
  }

  public List<TensorSpec> outputs() {
    return List.copyOf(outputs.values());
  }

  /** The input called {@code name}; fails naming the model and its inputs if there is none. */
  public TensorSpec input(String name) {
    TensorSpec spec = inputs.get(name);
    if (spec == null) {
      throw new QcalException(model + " has no input '" + name + "'; its inputs are "
          + inputs.values());
    }
    return spec;
  }

  /** The output called {@code name}; fails naming the model and its outputs if there is none. */
  public TensorSpec output(String name) {
    TensorSpec spec = outputs.get(name);
    if (spec == null) {
      throw new QcalException(model + " has no output '" + name + "'; its outputs are "
          + outputs.values());
    }
    return spec;
  }

  @Override
  public String toString() {
    return "inputs " + inputs.values() + ", outputs " + outputs.values();
  }

  private static List<TensorSpec> specs(String model, Map<String, NodeInfo> infos) {
    List<TensorSpec> specs = new ArrayList<>(infos.size());
    for (NodeInfo node : infos.values()) {
      ValueInfo info = node.getInfo();
      if (!(info instanceof TensorInfo tensor)) {
        // Sequences and maps (e.g. sklearn-onnx's ZipMap) have no place in calibration.
        throw new QcalException(model + ": '" + node.getName() + "' is not a tensor but "
            + info + "; qcal runs models whose inputs and outputs are tensors");
      }
      specs.add(new TensorSpec(node.getName(), ElementType.of(tensor.onnxType),
          tensor.getShape()));
    }
    return specs;
  }

  private static Map<String, TensorSpec> index(List<TensorSpec> specs) {
    Map<String, TensorSpec> map = new LinkedHashMap<>();
    for (TensorSpec spec : specs) {
      map.put(spec.name(), spec);
    }
    return Collections.unmodifiableMap(map);
  }
}
