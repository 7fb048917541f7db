"""The weights of an ONNX classifier, in graph order, for an eager PyTorch module to take over.

The exports of torch 1.13 name a folded BatchNorm's Conv weights `onnx::Conv_N` and a Linear
exported as MatMul `onnx::MatMul_N` (transposed), so names do not say which module a weight is
for; the order of the nodes does. `layers(proto)` lists each parametric node in graph order:
Conv (weight, bias), Gemm and MatMul-with-constant-weight + Add-bias (as a Linear's [out, in]
weight and bias) and LayerNormalization (scale, bias, epsilon). `constants(proto)` holds every
initializer and `Constant` node value by name (the ViT's `cls` token and `position` table).
"""
import numpy as np
import onnx
import onnx.numpy_helper


def constants(proto):
    """Initializers and Constant node outputs (tensor `value` only), name -> numpy array."""
    values = {i.name: onnx.numpy_helper.to_array(i) for i in proto.graph.initializer}
    for node in proto.graph.node:
        if node.op_type == "Constant":
            for a in node.attribute:
                if a.name == "value":
                    values[node.output[0]] = onnx.numpy_helper.to_array(a.t)
    return values


def _attributes(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def layers(proto):
    """[(kind, {tensor name: array, ...}, attributes)] of the parametric nodes, graph order."""
    values = constants(proto)
    consumers = {}
    for node in proto.graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    found = []
    for node in proto.graph.node:
        a = _attributes(node)
        if node.op_type == "Conv":
            bias = values[node.input[2]] if len(node.input) > 2 else None
            found.append(("conv", {"weight": values[node.input[1]], "bias": bias}, a))
        elif node.op_type == "Gemm" and node.input[1] in values:
            if a.get("alpha", 1.0) != 1.0 or a.get("beta", 1.0) != 1.0 or a.get("transA", 0):
                raise ValueError(f"{node.name}: Gemm with alpha/beta/transA is not a Linear")
            w = values[node.input[1]]
            found.append(("linear", {"weight": w if a.get("transB", 0) else w.T,
                                     "bias": values[node.input[2]]}, a))
        elif node.op_type == "MatMul" and node.input[1] in values:
            # torch exports a Linear over a 3-D input as MatMul(x, W^T) followed by Add(bias).
            adds = [n for n in consumers.get(node.output[0], [])
                    if n.op_type == "Add" and any(i in values for i in n.input)]
            if len(adds) != 1:
                raise ValueError(f"{node.name}: MatMul weight without one Add of a bias")
            bias = next(values[i] for i in adds[0].input if i in values)
            found.append(("linear", {"weight": values[node.input[1]].T, "bias": bias}, a))
        elif node.op_type == "LayerNormalization":
            found.append(("layernorm", {"weight": values[node.input[1]],
                                        "bias": values[node.input[2]]}, a))
    return found


def kind_of(module):
    """The `layers` kind an eager module takes its weights from, or None."""
    import torch.nn as nn
    if isinstance(module, nn.Conv2d):
        return "conv"
    if isinstance(module, nn.Linear):
        return "linear"
    if isinstance(module, nn.LayerNorm):
        return "layernorm"
    return None


def load_into(model, proto):
    """Copies the ONNX weights into `model`'s Conv2d/Linear/LayerNorm modules, which must be
    registered in the graph's order; every kind and shape is checked."""
    import torch
    targets = [m for m in model.modules() if kind_of(m)]
    sources = layers(proto)
    if len(targets) != len(sources):
        raise ValueError(f"{len(targets)} eager layers for {len(sources)} ONNX layers")
    with torch.no_grad():
        for i, (module, (kind, arrays, attrs)) in enumerate(zip(targets, sources)):
            if kind_of(module) != kind:
                raise ValueError(f"layer {i}: eager {kind_of(module)}, ONNX {kind}")
            if kind == "layernorm" and not np.isclose(attrs.get("epsilon", 1e-5), module.eps):
                raise ValueError(f"layer {i}: epsilon {attrs.get('epsilon')} != {module.eps}")
            for name, array in arrays.items():
                param = getattr(module, name)
                if array is None or param is None:
                    if (array is None) != (param is None):
                        raise ValueError(f"layer {i}: {name} present on one side only")
                    continue
                if tuple(param.shape) != array.shape:
                    raise ValueError(f"layer {i} {name}: eager {tuple(param.shape)}, "
                                     f"ONNX {array.shape}")
                param.copy_(torch.tensor(array))  # a copy: ONNX arrays are read-only
