package org.qcal.onnx;

import java.util.List;
import java.util.function.UnaryOperator;
import org.qcal.onnx.proto.Onnx.AttributeProto;
import org.qcal.onnx.proto.Onnx.FunctionProto;
import org.qcal.onnx.proto.Onnx.GraphProto;
import org.qcal.onnx.proto.Onnx.ModelProto;
import org.qcal.onnx.proto.Onnx.NodeProto;
import org.qcal.onnx.proto.Onnx.SparseTensorProto;
import org.qcal.onnx.proto.Onnx.TensorProto;
import org.qcal.onnx.proto.Onnx.TrainingInfoProto;

/**
 * Applies a rewrite to every {@link TensorProto} a model holds: initializers, sparse
 * initializers, tensor attributes of nodes (e.g. {@code Constant}), in subgraphs (If, Loop, Scan
 * bodies), functions and training graphs. Messages are rebuilt only where a tensor changed, so a
 * model without matches comes back as the same instance.
 */
final class ModelTensors {
  private final UnaryOperator<TensorProto> rewrite;

  private ModelTensors(UnaryOperator<TensorProto> rewrite) {
    this.rewrite = rewrite;
  }

  /** The model with {@code rewrite} applied to each tensor (it returns its argument to keep it). */
  static ModelProto rewrite(ModelProto model, UnaryOperator<TensorProto> rewrite) {
    return new ModelTensors(rewrite).model(model);
  }

  private ModelProto model(ModelProto model) {
    ModelProto.Builder b = null;
    if (model.hasGraph()) {
      GraphProto g = graph(model.getGraph());
      if (g != model.getGraph()) {
        b = model.toBuilder().setGraph(g);
      }
    }
    List<FunctionProto> functions = model.getFunctionsList();
    for (int i = 0; i < functions.size(); i++) {
      FunctionProto f = function(functions.get(i));
      if (f != functions.get(i)) {
        b = b == null ? model.toBuilder() : b;
        b.setFunctions(i, f);
      }
    }
    List<TrainingInfoProto> training = model.getTrainingInfoList();
    for (int i = 0; i < training.size(); i++) {
      TrainingInfoProto t = training(training.get(i));
      if (t != training.get(i)) {
        b = b == null ? model.toBuilder() : b;
        b.setTrainingInfo(i, t);
      }
    }
    return b == null ? model : b.build();
  }

  private TrainingInfoProto training(TrainingInfoProto info) {
    TrainingInfoProto.Builder b = null;
    if (info.hasInitialization()) {
      GraphProto g = graph(info.getInitialization());
      if (g != info.getInitialization()) {
        b = info.toBuilder().setInitialization(g);
      }
    }
    if (info.hasAlgorithm()) {
      GraphProto g = graph(info.getAlgorithm());
      if (g != info.getAlgorithm()) {
        b = (b == null ? info.toBuilder() : b).setAlgorithm(g);
      }
    }
    return b == null ? info : b.build();
  }

  private FunctionProto function(FunctionProto f) {
    FunctionProto.Builder b = null;
    for (int i = 0; i < f.getNodeCount(); i++) {
      NodeProto n = node(f.getNode(i));
      if (n != f.getNode(i)) {
        b = b == null ? f.toBuilder() : b;
        b.setNode(i, n);
      }
    }
    return b == null ? f : b.build();
  }

  GraphProto graph(GraphProto graph) {
    GraphProto.Builder b = null;
    for (int i = 0; i < graph.getInitializerCount(); i++) {
      TensorProto t = rewrite.apply(graph.getInitializer(i));
      if (t != graph.getInitializer(i)) {
        b = b == null ? graph.toBuilder() : b;
        b.setInitializer(i, t);
      }
    }
    for (int i = 0; i < graph.getSparseInitializerCount(); i++) {
      SparseTensorProto s = sparse(graph.getSparseInitializer(i));
      if (s != graph.getSparseInitializer(i)) {
        b = b == null ? graph.toBuilder() : b;
        b.setSparseInitializer(i, s);
      }
    }
    for (int i = 0; i < graph.getNodeCount(); i++) {
      NodeProto n = node(graph.getNode(i));
      if (n != graph.getNode(i)) {
        b = b == null ? graph.toBuilder() : b;
        b.setNode(i, n);
      }
    }
    return b == null ? graph : b.build();
  }

  private SparseTensorProto sparse(SparseTensorProto s) {
    SparseTensorProto.Builder b = null;
    if (s.hasValues()) {
      TensorProto t = rewrite.apply(s.getValues());
      if (t != s.getValues()) {
        b = s.toBuilder().setValues(t);
      }
    }
    if (s.hasIndices()) {
      TensorProto t = rewrite.apply(s.getIndices());
      if (t != s.getIndices()) {
        b = (b == null ? s.toBuilder() : b).setIndices(t);
      }
    }
    return b == null ? s : b.build();
  }

  private NodeProto node(NodeProto node) {
    NodeProto.Builder b = null;
    for (int i = 0; i < node.getAttributeCount(); i++) {
      AttributeProto a = attribute(node.getAttribute(i));
      if (a != node.getAttribute(i)) {
        b = b == null ? node.toBuilder() : b;
        b.setAttribute(i, a);
      }
    }
    return b == null ? node : b.build();
  }

  private AttributeProto attribute(AttributeProto a) {
    AttributeProto.Builder b = null;
    if (a.hasT()) {
      TensorProto t = rewrite.apply(a.getT());
      if (t != a.getT()) {
        b = a.toBuilder().setT(t);
      }
    }
    if (a.hasG()) {
      GraphProto g = graph(a.getG());
      if (g != a.getG()) {
        b = (b == null ? a.toBuilder() : b).setG(g);
      }
    }
    if (a.hasSparseTensor()) {
      SparseTensorProto s = sparse(a.getSparseTensor());
      if (s != a.getSparseTensor()) {
        b = (b == null ? a.toBuilder() : b).setSparseTensor(s);
      }
    }
    for (int i = 0; i < a.getTensorsCount(); i++) {
      TensorProto t = rewrite.apply(a.getTensors(i));
      if (t != a.getTensors(i)) {
        b = b == null ? a.toBuilder() : b;
        b.setTensors(i, t);
      }
    }
    for (int i = 0; i < a.getGraphsCount(); i++) {
      GraphProto g = graph(a.getGraphs(i));
      if (g != a.getGraphs(i)) {
        b = b == null ? a.toBuilder() : b;
        b.setGraphs(i, g);
      }
    }
    for (int i = 0; i < a.getSparseTensorsCount(); i++) {
      SparseTensorProto s = sparse(a.getSparseTensors(i));
      if (s != a.getSparseTensors(i)) {
        b = b == null ? a.toBuilder() : b;
        b.setSparseTensors(i, s);
      }
    }
    return b == null ? a : b.build();
  }
}
