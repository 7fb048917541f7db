package org.qcal.jobs;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
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

/** Small float32 ONNX models built in jobs tests (opset 13); a dim of -1 is symbolic. */
final class TinyModels {
  private final GraphProto.Builder graph = GraphProto.newBuilder().setName("tiny");

  TinyModels input(String name, long... dims) {
    graph.addInput(valueInfo(name, dims));
    return this;
  }

  TinyModels output(String name, long... dims) {
    graph.addOutput(valueInfo(name, dims));
    return this;
  }

  TinyModels weight(String name, float[] values, long... dims) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    TensorProto.Builder t = TensorProto.newBuilder().setName(name)
        .setDataType(ElementType.FLOAT32.code())
        .setRawData(ByteString.copyFrom(b.array()));
    for (long d : dims) {
      t.addDims(d);
    }
    graph.addInitializer(t);
    return this;
  }

  /** An int64 initializer, e.g. the target shape of a Reshape. */
  TinyModels longs(String name, long... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(values);
    graph.addInitializer(TensorProto.newBuilder().setName(name)
        .setDataType(ElementType.INT64.code())
        .addDims(values.length).setRawData(ByteString.copyFrom(b.array())));
    return this;
  }

  TinyModels node(String op, List<String> inputs, String output, AttributeProto... attributes) {
    NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(op + "_" + output)
        .addAllInput(inputs).addOutput(output);
    for (AttributeProto a : attributes) {
      n.addAttribute(a);
    }
    graph.addNode(n);
    return this;
  }

  static AttributeProto ints(String name, long... values) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name)
        .setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  static AttributeProto intValue(String name, long value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT)
        .setI(value).build();
  }

  /** Writes the model to {@code file} and returns its path as a string. */
  String write(Path file) throws IOException {
    ModelProto model = ModelProto.newBuilder().setIrVersion(8).setProducerName("qcal-test")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
        .setGraph(graph).build();
    Files.write(file, model.toByteArray());
    return file.toString();
  }

  private static ValueInfoProto valueInfo(String name, long... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    int symbol = 0;
    for (long d : dims) {
      shape.addDim(d < 0
          ? TensorShapeProto.Dimension.newBuilder().setDimParam("d" + symbol++)
          : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(ElementType.FLOAT32.code())
            .setShape(shape))).build();
  }
}
