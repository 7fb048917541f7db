package org.qcal.jobs.validate;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.qcal.ElementType;
import org.qcal.QcalException;
import org.qcal.onnx.OnnxModel;
import org.qcal.onnx.proto.Onnx.GraphProto;
import org.qcal.onnx.proto.Onnx.TensorProto;
import org.qcal.onnx.proto.Onnx.TensorShapeProto;
import org.qcal.onnx.proto.Onnx.TypeProto;
import org.qcal.onnx.proto.Onnx.ValueInfoProto;

/**
 * The inputs and outputs a model declares in its graph, to check that a quantized model can be
 * fed exactly like the FP32 one: the same input names, element types and shapes. A symbolic or
 * unknown dimension is written {@code -1} and matches only another one.
 */
public final class ModelInterface {
  private ModelInterface() {}

  /** Input name -> "float32 [-1, 1, 28, 28]", graph inputs that are not initializers, in order. */
  public static Map<String, String> inputs(OnnxModel model) {
    GraphProto graph = model.graph();
    Set<String> initializers = new HashSet<>();
    for (TensorProto t : graph.getInitializerList()) {
      initializers.add(t.getName());
    }
    Map<String, String> inputs = new LinkedHashMap<>();
    for (ValueInfoProto v : graph.getInputList()) {
      if (!initializers.contains(v.getName())) {
        inputs.put(v.getName(), describe(v.getType()));
      }
    }
    return inputs;
  }

  /** The graph output names, in order. */
  public static List<String> outputs(OnnxModel model) {
    List<String> names = new ArrayList<>();
    for (ValueInfoProto v : model.graph().getOutputList()) {
      names.add(v.getName());
    }
    return names;
  }

  /**
   * Fails, naming the first difference, unless {@code candidate} has exactly the inputs of
   * {@code reference}, with the same element types and shapes.
   */
  public static void requireSameInputs(OnnxModel reference, OnnxModel candidate, String what) {
    Map<String, String> want = inputs(reference);
    Map<String, String> got = inputs(candidate);
    for (Map.Entry<String, String> e : want.entrySet()) {
      String actual = got.get(e.getKey());
      if (actual == null) {
        throw new QcalException(what + " has no input '" + e.getKey() + "' (" + e.getValue()
            + ") of the FP32 model; its inputs are " + list(got));
      }
      if (!actual.equals(e.getValue())) {
        throw new QcalException(what + ": input '" + e.getKey() + "' is " + actual
            + ", the FP32 model's is " + e.getValue());
      }
    }
    for (Map.Entry<String, String> e : got.entrySet()) {
      if (!want.containsKey(e.getKey())) {
        throw new QcalException(what + " has input '" + e.getKey() + "' (" + e.getValue()
            + ") that the FP32 model lacks; the FP32 model's inputs are " + list(want));
      }
    }
  }

  /** Fails unless {@code candidate} has every output of {@code outputs}. */
  public static void requireOutputs(OnnxModel candidate, List<String> outputs, String what) {
    List<String> got = outputs(candidate);
    for (String name : outputs) {
      if (!got.contains(name)) {
        throw new QcalException(what + " has no output '" + name + "' of the FP32 model; its"
            + " outputs are " + got);
      }
    }
  }

  private static String describe(TypeProto type) {
    if (!type.hasTensorType()) {
      return "a non-tensor value";
    }
    TypeProto.Tensor tensor = type.getTensorType();
    StringBuilder sb = new StringBuilder(ElementType.nameOf(tensor.getElemType()));
    if (!tensor.hasShape()) {
      return sb.append(" of any shape").toString();
    }
    sb.append(" [");
    List<TensorShapeProto.Dimension> dims = tensor.getShape().getDimList();
    for (int i = 0; i < dims.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(dims.get(i).hasDimValue() ? dims.get(i).getDimValue() : -1);
    }
    return sb.append(']').toString();
  }

  private static String list(Map<String, String> inputs) {
    List<String> parts = new ArrayList<>();
    inputs.forEach((name, type) -> parts.add(name + " " + type));
    return parts.toString();
  }
}
