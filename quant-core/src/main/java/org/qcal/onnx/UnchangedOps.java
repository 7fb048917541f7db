package org.qcal.onnx;

import java.util.HashMap;
import java.util.Map;
import org.qcal.onnx.proto.Onnx.AttributeProto;
import org.qcal.onnx.proto.Onnx.NodeProto;

/**
 * Per op, the oldest opset from which its definition is the one of opset 13 apart from new
 * element types or new attributes whose defaults keep the old behaviour (from the ONNX operator
 * changelog, Changelog.md). A node of such an op at that opset or later is copied as it is when
 * a model is raised to 13; {@link OpsetUpgrade} converts or refuses the others.
 *
 * <p>Examples: Gemm-7 dropped {@code broadcast}; Max/Min/Sum/Mean-8 added broadcasting, but at 6
 * their inputs must have one shape, on which both agree; ArgMax-12 added {@code
 * select_last_index} (default: the old first index); Gather-11 defined negative indices, which
 * were out of bounds before; MaxPool-8 added the indices output, MaxPool-10 {@code ceil_mode}
 * and {@code dilations} whose defaults (floor, 1) give the old output. But MaxPool-12 (and
 * AveragePool-11, LpPool-11) redefined {@code auto_pad} SAME_UPPER/SAME_LOWER (output size
 * {@code ceil(input / stride)}), so a pool with those is the same only from there ({@link
 * #since}). Clip, Pad, Slice, TopK, Dropout and BatchNormalization have the opset of their last
 * change below 13 here; older nodes of theirs are converted.
 */
final class UnchangedOps {
  private static final Map<String, Integer> SINCE = new HashMap<>();

  static {
    same(1, "Conv", "ConvTranspose", "MatMul", "GlobalAveragePool", "GlobalMaxPool", "Flatten",
        "Transpose", "Identity", "Constant", "Shape", "Size", "Gather", "Not", "LRN",
        "DepthToSpace", "SpaceToDepth", "ArgMax", "ArgMin", "Softplus", "Softsign", "If",
        "Loop", "LpNormalization", "RandomNormal", "RandomUniform", "RandomNormalLike",
        "RandomUniformLike", "MaxPool", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd",
        "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare");
    same(2, "GlobalLpPool", "LpPool");
    same(4, "Concat");
    same(5, "Reshape");
    same(6, "Relu", "LeakyRelu", "Elu", "Selu", "Sigmoid", "HardSigmoid", "Tanh", "Exp", "Log",
        "Sqrt", "Neg", "Abs", "Reciprocal", "Floor", "Ceil", "Cast", "Tile", "Min", "Max", "Sum",
        "Mean", "InstanceNormalization");
    same(7, "Gemm", "Add", "Sub", "Mul", "Div", "Pow", "PRelu", "Equal", "Less", "Greater",
        "And", "Or", "Xor", "AveragePool", "Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "LSTM",
        "GRU", "RNN", "Multinomial");
    same(8, "Expand");
    same(9, "Erf", "Where", "ConstantOfShape", "BatchNormalization", "Sinh", "Cosh", "Asinh",
        "Acosh", "Atanh", "Sign", "IsNaN", "Shrink", "NonZero", "OneHot", "Compress",
        "MeanVarianceNormalization", "EyeLike", "Scan");
    same(10, "Slice", "TopK", "QuantizeLinear", "DequantizeLinear", "IsInf", "Mod",
        "ThresholdedRelu", "NonMaxSuppression", "MatMulInteger", "ConvInteger", "QLinearConv",
        "QLinearMatMul", "ReverseSequence", "RoiAlign");
    same(11, "Clip", "Pad", "Range", "GatherElements", "GatherND", "ScatterElements",
        "ScatterND", "CumSum", "Round", "Det", "Unique", "DynamicQuantizeLinear", "BitShift");
    same(12, "Dropout", "Einsum", "Celu", "GreaterOrEqual", "LessOrEqual");
  }

  private static final Map<String, Integer> SAME_PADDING_SINCE =
      Map.of("MaxPool", 12, "AveragePool", 11, "LpPool", 11);

  private UnchangedOps() {}

  private static void same(int since, String... ops) {
    for (String op : ops) {
      SINCE.put(op, since);
    }
  }

  /** The oldest opset at which node {@code n} means what it means at 13, or null if unknown. */
  static Integer since(NodeProto n) {
    Integer samePadding = SAME_PADDING_SINCE.get(n.getOpType());
    if (samePadding != null) {
      AttributeProto pad = Attributes.find(n, "auto_pad");
      if (pad != null && pad.getS().toStringUtf8().startsWith("SAME")) {
        return samePadding;
      }
    }
    return SINCE.get(n.getOpType());
  }
}
