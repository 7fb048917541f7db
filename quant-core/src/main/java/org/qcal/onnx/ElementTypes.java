package org.qcal.onnx;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.qcal.ElementType;
import org.qcal.onnx.proto.Onnx.AttributeProto;
import org.qcal.onnx.proto.Onnx.NodeProto;
import org.qcal.onnx.proto.Onnx.TensorProto;
import org.qcal.onnx.proto.Onnx.TypeProto;
import org.qcal.onnx.proto.Onnx.ValueInfoProto;

/**
 * The element type of every tensor in a graph whose type can be known without running shape
 * inference.
 *
 * <p>Declared types come first: graph inputs and outputs, {@code value_info}, initializers and
 * Constant nodes. Exporters often declare nothing for intermediate tensors (torch.onnx writes no
 * {@code value_info} unless asked), so the rest is propagated in graph order with the ONNX
 * operator definitions' type constraints: ops whose outputs have the type {@code T} of their
 * data inputs (Conv, Relu, Add, Reshape, ...), ops with a fixed output type (Shape gives int64,
 * Equal gives bool), and Cast's {@code to}. A tensor whose producer is none of these (custom
 * domains, ops this table does not know) stays unknown and is never quantized: a wrong guess would
 * insert QuantizeLinear on an integer tensor.
 */
final class ElementTypes {
  /** Ops whose first output has the element type of their data inputs (the ONNX "T -> T"). */
  private static final Set<String> SAME_AS_INPUTS = Set.of(
      "Conv", "ConvTranspose", "Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Pow", "Mod",
      "Relu", "LeakyRelu", "PRelu", "Elu", "Selu", "Celu", "Sigmoid", "HardSigmoid", "Tanh",
      "HardSwish", "Gelu", "Mish", "Softplus", "Softsign", "Erf", "Exp", "Log", "Sqrt", "Neg",
      "Abs", "Reciprocal", "Floor", "Ceil", "Round", "Sign", "Sin", "Cos", "Clip", "Identity",
      "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "LpPool", "LRN",
      "Concat", "Softmax", "LogSoftmax", "Hardmax", "Reshape", "Flatten", "Transpose",
      "Squeeze", "Unsqueeze", "Slice", "Gather", "GatherElements", "GatherND", "Expand", "Tile",
      "Pad", "Split", "Resize", "Upsample", "DepthToSpace", "SpaceToDepth", "BatchNormalization",
      "InstanceNormalization", "LayerNormalization", "GroupNormalization", "LpNormalization",
      "MeanVarianceNormalization", "Dropout", "ReduceMean", "ReduceSum", "ReduceMax",
      "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp",
      "ReduceSumSquare", "Min", "Max", "Mean", "Sum", "Einsum", "CumSum", "Trilu", "TopK",
      "ScatterND", "ScatterElements", "ReverseSequence", "Compress");

  /** Ops whose outputs are always int64 (indices and shapes). */
  private static final Set<String> INT64_OUTPUT = Set.of(
      "Shape", "Size", "NonZero", "ArgMax", "ArgMin", "NonMaxSuppression");

  /** Ops whose outputs are always bool. */
  private static final Set<String> BOOL_OUTPUT = Set.of(
      "Equal", "Less", "LessOrEqual", "Greater", "GreaterOrEqual", "Not", "And", "Or", "Xor",
      "IsNaN", "IsInf");

  private final Map<String, ElementType> types = new HashMap<>();

  private ElementTypes() {}

  /** Infers the types of {@code index}'s graph. */
  static ElementTypes infer(GraphIndex index) {
    ElementTypes t = new ElementTypes();
    t.declare(index);
    // Nodes are topologically sorted, so one pass sees every input before its consumers.
    for (int i = 0; i < index.nodeCount(); i++) {
      t.propagate(index.node(i));
    }
    return t;
  }

  /** The element type of {@code tensor}, or {@link ElementType#UNDEFINED}. */
  ElementType of(String tensor) {
    return types.getOrDefault(tensor, ElementType.UNDEFINED);
  }

  boolean isFloat(String tensor) {
    return of(tensor) == ElementType.FLOAT32;
  }

  private void declare(GraphIndex index) {
    for (ValueInfoProto v : index.graph().getInputList()) {
      declare(v);
    }
    for (ValueInfoProto v : index.graph().getOutputList()) {
      declare(v);
    }
    for (ValueInfoProto v : index.graph().getValueInfoList()) {
      declare(v);
    }
    for (TensorProto init : index.graph().getInitializerList()) {
      set(init.getName(), ElementType.of(init.getDataType()));
    }
  }

  private void declare(ValueInfoProto v) {
    TypeProto type = v.getType();
    if (type.hasTensorType()) {
      set(v.getName(), ElementType.of(type.getTensorType().getElemType()));
    }
  }

  private void set(String tensor, ElementType type) {
    if (!tensor.isEmpty() && type != ElementType.UNDEFINED) {
      types.putIfAbsent(tensor, type);
    }
  }

  private void propagate(NodeProto n) {
    if (!OnnxModel.sameDomain(n.getDomain(), OnnxModel.ONNX_DOMAIN) || n.getOutputCount() == 0) {
      return;
    }
    String op = n.getOpType();
    String out = n.getOutput(0);
    switch (op) {
      case "Constant":
        set(out, constantType(n));
        return;
      case "Cast":
        set(out, ElementType.of((int) Attributes.getInt(n, "to", 0)));
        return;
      case "CastLike":
        set(out, n.getInputCount() > 1 ? of(n.getInput(1)) : ElementType.UNDEFINED);
        return;
      case "DequantizeLinear":
        set(out, ElementType.FLOAT32);
        return;
      case "QuantizeLinear":
        set(out, n.getInputCount() > 2 && of(n.getInput(2)) != ElementType.UNDEFINED
            ? of(n.getInput(2))
            : ElementType.of((int) Attributes.getInt(n, "output_dtype",
                ElementType.UINT8.code())));
        return;
      case "Where":
        set(out, firstKnown(n, 1));
        return;
      default:
        break;
    }
    if (INT64_OUTPUT.contains(op)) {
      set(out, ElementType.INT64);
    } else if (BOOL_OUTPUT.contains(op)) {
      set(out, ElementType.BOOL);
    } else if (SAME_AS_INPUTS.contains(op)) {
      // Gather, Slice, Reshape, Expand ... have index/shape inputs after the data: input 0 only.
      ElementType dataType = onlyFirstInputIsData(op)
          ? (n.getInputCount() > 0 ? of(n.getInput(0)) : ElementType.UNDEFINED)
          : firstKnown(n, 0);
      set(out, dataType);
      if (op.equals("Split")) {
        for (String o : n.getOutputList()) {
          set(o, dataType);
        }
      }
      if (op.equals("TopK") && n.getOutputCount() > 1) {
        set(n.getOutput(1), ElementType.INT64);
      }
      if (op.equals("MaxPool") && n.getOutputCount() > 1) {
        set(n.getOutput(1), ElementType.INT64);
      }
    }
  }

  /** Ops whose inputs after the first are indices, shapes, axes or other parameters. */
  private static boolean onlyFirstInputIsData(String op) {
    switch (op) {
      case "Add": case "Sub": case "Mul": case "Div": case "Pow": case "Mod": case "Concat":
      case "Min": case "Max": case "Mean": case "Sum": case "MatMul": case "Gemm": case "Einsum":
        return false;
      default:
        return true;
    }
  }

  private ElementType firstKnown(NodeProto n, int from) {
    for (int i = from; i < n.getInputCount(); i++) {
      ElementType t = of(n.getInput(i));
      if (t != ElementType.UNDEFINED) {
        return t;
      }
    }
    return ElementType.UNDEFINED;
  }

  /** The type of a Constant node's value, by whichever value attribute it carries. */
  private static ElementType constantType(NodeProto n) {
    for (AttributeProto a : n.getAttributeList()) {
      switch (a.getName()) {
        case "value": return ElementType.of(a.getT().getDataType());
        case "sparse_value": return ElementType.of(a.getSparseTensor().getValues().getDataType());
        case "value_float": case "value_floats": return ElementType.FLOAT32;
        case "value_int": case "value_ints": return ElementType.INT64;
        case "value_string": case "value_strings": return ElementType.STRING;
        default: break;
      }
    }
    return ElementType.UNDEFINED;
  }
}
