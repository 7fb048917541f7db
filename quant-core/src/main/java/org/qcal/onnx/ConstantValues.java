package org.qcal.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.qcal.ElementType;
import org.qcal.onnx.proto.Onnx.AttributeProto;
import org.qcal.onnx.proto.Onnx.NodeProto;
import org.qcal.onnx.proto.Onnx.TensorProto;

/**
 * The values of constant tensors that are a stored tensor seen through ops that only move or
 * relabel values, so that a weight reaches the quantizer however the exporter wrote it: an
 * initializer, a {@code Constant} node's {@code value}, and chains of {@code Identity},
 * {@code Transpose}, {@code Reshape}, {@code Flatten}, {@code Squeeze}, {@code Unsqueeze} and
 * {@code Cast} to the same type over them (operator semantics from the ONNX operator docs).
 * Anything else computed from constants (a Concat of LSTM gates, a Mul) is not evaluated here:
 * such a tensor is still a constant, never tapped, and simply stays float in the QDQ model.
 */
final class ConstantValues {
  private final GraphIndex index;
  private final TensorClasses classes;
  private final String modelName;
  private final Map<String, TensorProto> resolved = new HashMap<>();

  ConstantValues(GraphIndex index, TensorClasses classes, String modelName) {
    this.index = index;
    this.classes = classes;
    this.modelName = modelName;
  }

  /**
   * The value of constant {@code tensor}, named {@code tensor}, or null when it is not a
   * constant or not a view of a stored tensor.
   */
  TensorProto value(String tensor) {
    if (tensor.isEmpty() || !classes.isConstant(tensor)) {
      return null;
    }
    if (resolved.containsKey(tensor)) {
      return resolved.get(tensor);
    }
    TensorProto v = compute(tensor);
    resolved.put(tensor, v);
    return v;
  }

  /** The float32 value of constant {@code tensor}, or null (not float32, or not resolvable). */
  TensorProto floatValue(String tensor) {
    TensorProto v = value(tensor);
    return v != null && v.getDataType() == ElementType.FLOAT32.code() ? v : null;
  }

  private TensorProto compute(String tensor) {
    if (index.initializer(tensor) != null) {
      return index.initializer(tensor);
    }
    int p = index.producer(tensor);
    if (p < 0) {
      return null;
    }
    NodeProto n = index.node(p);
    if (!QuantizableOps.isOnnx(n) || !n.getOutput(0).equals(tensor)) {
      return null;
    }
    switch (n.getOpType()) {
      case "Constant":
        return constantNode(n, tensor);
      case "Identity":
        return renamed(value(n.getInput(0)), tensor);
      case "Cast": {
        TensorProto in = value(n.getInput(0));
        return in != null && Attributes.getInt(n, "to", -1) == in.getDataType()
            ? renamed(in, tensor) : null;
      }
      case "Reshape":
        return reshape(n, tensor);
      case "Flatten":
        return flatten(n, tensor);
      case "Squeeze": case "Unsqueeze":
        return squeezeOrUnsqueeze(n, tensor);
      case "Transpose":
        return transpose(n, tensor);
      default:
        return null;
    }
  }

  /** ONNX Constant: exactly one of value, value_float(s), value_int(s) (strings: not needed). */
  private static TensorProto constantNode(NodeProto n, String tensor) {
    for (AttributeProto a : n.getAttributeList()) {
      switch (a.getName()) {
        case "value":
          return a.getT().toBuilder().setName(tensor).build();
        case "value_float":
          return TensorData.floats(tensor, List.of(), new float[] {a.getF()});
        case "value_floats": {
          float[] f = new float[a.getFloatsCount()];
          for (int i = 0; i < f.length; i++) {
            f[i] = a.getFloats(i);
          }
          return TensorData.floats(tensor, List.of((long) f.length), f);
        }
        case "value_int":
          return longs(tensor, List.of(), List.of(a.getI()));
        case "value_ints":
          return longs(tensor, List.of((long) a.getIntsCount()), a.getIntsList());
        default:
          break;
      }
    }
    return null;
  }

  private static TensorProto longs(String name, List<Long> dims, List<Long> values) {
    return TensorProto.newBuilder().setName(name)
        .setDataType(ElementType.INT64.code()).addAllDims(dims)
        .addAllInt64Data(values).build();
  }

  private static TensorProto renamed(TensorProto t, String name) {
    return t == null ? null : t.toBuilder().setName(name).build();
  }

  private static TensorProto withDims(TensorProto t, String name, List<Long> dims) {
    return t == null ? null : t.toBuilder().setName(name).clearDims().addAllDims(dims).build();
  }

  /** The int64 values of a constant input, or null. */
  private long[] longsOf(String tensor) {
    TensorProto t = value(tensor);
    return t == null || t.getDataType() != ElementType.INT64.code() ? null
        : TensorData.longs(t, modelName);
  }

  /** Reshape: 0 copies the input dim (unless allowzero = 1), one -1 takes the rest. */
  private TensorProto reshape(NodeProto n, String tensor) {
    TensorProto in = value(n.getInput(0));
    long[] shape = n.getInputCount() > 1 ? longsOf(n.getInput(1)) : null;
    if (in == null || shape == null) {
      return null;
    }
    boolean allowZero = Attributes.getInt(n, "allowzero", 0) == 1;
    long total = TensorData.elementCount(in.getDimsList());
    List<Long> dims = new ArrayList<>();
    int inferred = -1;
    long known = 1;
    for (int i = 0; i < shape.length; i++) {
      long d = shape[i];
      if (d == 0 && !allowZero) {
        if (i >= in.getDimsCount()) {
          return null;
        }
        d = in.getDims(i);
      }
      if (d == -1) {
        inferred = i;
      } else {
        known *= d;
      }
      dims.add(d);
    }
    if (inferred >= 0) {
      if (known == 0 || total % known != 0) {
        return null;
      }
      dims.set(inferred, total / known);
    }
    return TensorData.elementCount(dims) == total ? withDims(in, tensor, dims) : null;
  }

  /** Flatten: [d0 * .. * d(axis-1), d(axis) * .. * dn]; a negative axis counts from the end. */
  private TensorProto flatten(NodeProto n, String tensor) {
    TensorProto in = value(n.getInput(0));
    if (in == null) {
      return null;
    }
    int rank = in.getDimsCount();
    int axis = (int) Attributes.getInt(n, "axis", 1);
    axis = axis < 0 ? axis + rank : axis;
    if (axis < 0 || axis > rank) {
      return null;
    }
    List<Long> d = in.getDimsList();
    return withDims(in, tensor, List.of(TensorData.elementCount(d.subList(0, axis)),
        TensorData.elementCount(d.subList(axis, rank))));
  }

  /** Squeeze/Unsqueeze with axes as attribute (opset < 13) or as input 1 (opset >= 13). */
  private TensorProto squeezeOrUnsqueeze(NodeProto n, String tensor) {
    TensorProto in = value(n.getInput(0));
    if (in == null) {
      return null;
    }
    long[] axes;
    AttributeProto attr = Attributes.find(n, "axes");
    if (attr != null) {
      axes = attr.getIntsList().stream().mapToLong(Long::longValue).toArray();
    } else if (n.getInputCount() > 1 && !n.getInput(1).isEmpty()) {
      axes = longsOf(n.getInput(1));
    } else {
      axes = n.getOpType().equals("Squeeze") ? new long[0] : null;
    }
    if (axes == null) {
      return null;
    }
    List<Long> dims = new ArrayList<>(in.getDimsList());
    if (n.getOpType().equals("Unsqueeze")) {
      int rank = dims.size() + axes.length;
      long[] sorted = normalized(axes, rank);
      for (long a : sorted) {
        dims.add((int) a, 1L);
      }
    } else if (axes.length == 0) {
      dims.removeIf(d -> d == 1);
    } else {
      long[] sorted = normalized(axes, dims.size());
      for (int i = sorted.length - 1; i >= 0; i--) {
        if (dims.get((int) sorted[i]) != 1) {
          return null;
        }
        dims.remove((int) sorted[i]);
      }
    }
    return withDims(in, tensor, dims);
  }

  private static long[] normalized(long[] axes, int rank) {
    long[] a = new long[axes.length];
    for (int i = 0; i < axes.length; i++) {
      a[i] = axes[i] < 0 ? axes[i] + rank : axes[i];
    }
    java.util.Arrays.sort(a);
    return a;
  }

  /** Transpose of a float32 tensor: output dim i is input dim perm[i] (default: reversed). */
  private TensorProto transpose(NodeProto n, String tensor) {
    TensorProto in = value(n.getInput(0));
    if (in == null || in.getDataType() != ElementType.FLOAT32.code()) {
      return null;
    }
    int rank = in.getDimsCount();
    int[] perm = new int[rank];
    AttributeProto attr = Attributes.find(n, "perm");
    for (int i = 0; i < rank; i++) {
      perm[i] = attr == null ? rank - 1 - i : (int) attr.getInts(i);
    }
    long[] dims = new long[rank];
    for (int i = 0; i < rank; i++) {
      dims[i] = in.getDims(perm[i]);
    }
    float[] src = TensorData.floats(in, modelName);
    float[] dst = new float[src.length];
    long[] inStrides = strides(in.getDimsList().stream().mapToLong(Long::longValue).toArray());
    int[] idx = new int[rank];
    for (int out = 0; out < dst.length; out++) {
      long from = 0;
      for (int i = 0; i < rank; i++) {
        from += idx[i] * inStrides[perm[i]];
      }
      dst[out] = src[(int) from];
      for (int i = rank - 1; i >= 0; i--) {
        if (++idx[i] < dims[i]) {
          break;
        }
        idx[i] = 0;
      }
    }
    List<Long> outDims = new ArrayList<>();
    for (long d : dims) {
      outDims.add(d);
    }
    return TensorData.floats(tensor, outDims, dst);
  }

  /** Row-major strides of {@code dims}. */
  private static long[] strides(long[] dims) {
    long[] s = new long[dims.length];
    long acc = 1;
    for (int i = dims.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc *= dims[i];
    }
    return s;
  }
}
