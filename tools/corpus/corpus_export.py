"""Exports a module the ways real exporters write it, and checks the result.

Weight styles:
  init        initializers, constant folding on, BatchNorm folded into Conv (torch's default)
  constants   every weight in a Constant node, no constant folding, BatchNorm kept as an op
              (what paddle2onnx and older exporters write); done by exporting with
              do_constant_folding=False and TrainingMode.PRESERVE, then moving each initializer
              into a Constant node in front of the graph
  initinputs  keep_initializers_as_inputs=True: every initializer is also a graph input (the
              torch < 1.5 default; from IR version 4 such inputs are overridable defaults)

torch.onnx.export here is the TorchScript exporter of torch 1.13 (there is no dynamo exporter).
"""

import io

import onnx
import onnx.helper
import torch

STYLES = ("init", "constants", "initinputs")


def export(module, args, opset, style, input_names, output_names, dynamic_axes):
    """The ONNX ModelProto of {@code module} traced on {@code args}, in weight style {@code style}."""
    if style not in STYLES:
        raise ValueError(f"unknown weight style {style}")
    module.eval()
    buffer = io.BytesIO()
    torch.onnx.export(
        module, args, buffer, opset_version=opset,
        do_constant_folding=style == "init",
        keep_initializers_as_inputs=style == "initinputs",
        # EVAL runs torch's eval peephole, which folds BatchNorm into the Conv before it;
        # PRESERVE on a module in eval mode exports inference BatchNormalization nodes instead.
        training=torch.onnx.TrainingMode.EVAL if style == "init"
        else torch.onnx.TrainingMode.PRESERVE,
        input_names=input_names, output_names=output_names,
        dynamic_axes=dynamic_axes or None)
    proto = onnx.load_from_string(buffer.getvalue())
    if style == "constants":
        initializers_to_constants(proto)
    onnx.checker.check_model(proto, full_check=True)
    return proto


def initializers_to_constants(proto):
    """Moves every initializer into a Constant node (ONNX Constant, attribute 'value') placed
    before all other nodes, so the graph stays topologically sorted."""
    graph = proto.graph
    declared = {v.name for v in graph.input}
    constants = []
    for init in graph.initializer:
        if init.name in declared:
            continue
        constants.append(onnx.helper.make_node(
            "Constant", [], [init.name], name=f"{init.name}_Constant", value=init))
    kept = [init for init in graph.initializer if init.name in declared]
    nodes = constants + list(graph.node)
    del graph.initializer[:]
    graph.initializer.extend(kept)
    del graph.node[:]
    graph.node.extend(nodes)


def op_counts(proto):
    counts = {}
    for n in proto.graph.node:
        counts[n.op_type] = counts.get(n.op_type, 0) + 1
    return dict(sorted(counts.items()))


def value_info(v):
    """{"name", "dtype", "shape"} of a graph input or output; symbolic dims by their name."""
    t = v.type.tensor_type
    shape = [d.dim_param if d.dim_param else (d.dim_value if d.HasField("dim_value") else "?")
             for d in t.shape.dim]
    return {"name": v.name, "dtype": onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[t.elem_type].name,
            "shape": shape}


def real_inputs(proto):
    """Graph inputs that are not initializers (with keep_initializers_as_inputs both appear)."""
    inits = {i.name for i in proto.graph.initializer}
    return [v for v in proto.graph.input if v.name not in inits]
