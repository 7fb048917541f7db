package org.qcal.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.qcal.ElementType;
import org.qcal.onnx.proto.Onnx.AttributeProto;
import org.qcal.onnx.proto.Onnx.GraphProto;
import org.qcal.onnx.proto.Onnx.ModelProto;
import org.qcal.onnx.proto.Onnx.NodeProto;
import org.qcal.onnx.proto.Onnx.OperatorSetIdProto;
import org.qcal.onnx.proto.Onnx.TensorProto;
import org.qcal.onnx.proto.Onnx.TensorShapeProto;
import org.qcal.onnx.proto.Onnx.TypeProto;
import org.qcal.onnx.proto.Onnx.ValueInfoProto;

/** Builds small ONNX models in tests with the generated proto builders (no Python needed). */
final class GraphBuilder {
  private final GraphProto.Builder graph = GraphProto.newBuilder().setName("test");
  private long opset = 13;
  private long irVersion = 8;

  GraphBuilder opset(long version) {
    this.opset = version;
    return this;
  }

  GraphBuilder irVersion(long version) {
    this.irVersion = version;
    return this;
  }

  /** A graph input; a dim of -1 is symbolic ("batch"). */
  GraphBuilder input(String name, ElementType elemType, long... dims) {
    graph.addInput(valueInfo(name, elemType, dims));
    return this;
  }

  GraphBuilder output(String name, ElementType elemType, long... dims) {
    graph.addOutput(valueInfo(name, elemType, dims));
    return this;
  }

  /** A graph output of {@code elemType} whose shape is left to the runtime. */
  GraphBuilder output(String name, ElementType elemType) {
    graph.addOutput(ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType.code()))));
    return this;
  }

  GraphBuilder floatInit(String name, float[] values, long... dims) {
    graph.addInitializer(floats(name, values, dims));
    return this;
  }

  GraphBuilder int64Init(String name, long[] values, long... dims) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(name)
        .setDataType(ElementType.INT64.code());
    for (long d : dims) {
      t.addDims(d);
    }
    for (long v : values) {
      t.addInt64Data(v);
    }
    graph.addInitializer(t);
    return this;
  }

  GraphBuilder node(String op, String name, List<String> inputs, List<String> outputs,
      AttributeProto... attributes) {
    NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name)
        .addAllInput(inputs).addAllOutput(outputs);
    for (AttributeProto a : attributes) {
      n.addAttribute(a);
    }
    graph.addNode(n);
    return this;
  }

  GraphProto.Builder graph() {
    return graph;
  }

  ModelProto build() {
    return ModelProto.newBuilder().setIrVersion(irVersion).setProducerName("qcal-test")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
        .setGraph(graph).build();
  }

  OnnxModel model(String name) {
    return OnnxModel.of(name, build());
  }

  static AttributeProto intAttr(String name, long v) {
    return Attributes.ofInt(name, v);
  }

  static AttributeProto floatAttr(String name, float v) {
    return Attributes.ofFloat(name, v);
  }

  /** The {@code value} attribute of a Constant node holding a float32 tensor. */
  static AttributeProto constantValue(float[] values, long... dims) {
    return AttributeProto.newBuilder().setName("value")
        .setType(AttributeProto.AttributeType.TENSOR).setT(floats("", values, dims)).build();
  }

  static AttributeProto intsAttr(String name, long... v) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name)
        .setType(AttributeProto.AttributeType.INTS);
    for (long x : v) {
      a.addInts(x);
    }
    return a.build();
  }

  static TensorProto floats(String name, float[] values, long... dims) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    TensorProto.Builder t = TensorProto.newBuilder().setName(name)
        .setDataType(ElementType.FLOAT32.code())
        .setRawData(com.google.protobuf.ByteString.copyFrom(b.array()));
    for (long d : dims) {
      t.addDims(d);
    }
    return t.build();
  }

  static ValueInfoProto valueInfo(String name, ElementType elemType, long... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long d : dims) {
      shape.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("batch")
          : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder().setName(name)
        .setType(TypeProto.newBuilder().setTensorType(
            TypeProto.Tensor.newBuilder().setElemType(elemType.code()).setShape(shape)))
        .build();
  }

  /** Deterministic pseudo-random floats in [-scale, scale]. */
  static float[] values(int n, long seed, float scale) {
    java.util.Random r = new java.util.Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (r.nextFloat() * 2 - 1) * scale;
    }
    return v;
  }

  static List<String> names(String... names) {
    return new ArrayList<>(List.of(names));
  }
}
