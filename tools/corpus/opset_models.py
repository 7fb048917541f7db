#!/usr/bin/python3
"""Builds the opset corpus: two small models exported at ONNX opsets 7 to 12 and 17, and the
opset-17 exports raised to 18, 19, 20 and 21, for qcal's opset conversion tests
(OpsetCorpusTest, OpsetCorpusCalibrateTest).

Needs Debian bookworm packages (run with /usr/bin/python3, not a pyenv/venv interpreter):
    apt-get install python3-torch python3-onnx python3-numpy

Usage (from the repository root):
    /usr/bin/python3 tools/corpus/opset_models.py [OUT_DIR]

OUT_DIR (default target/opset-corpus, never committed) receives:
    models/*.onnx      the exports (a few tens of KiB each)
    data/*.npy         64 calibration rows per model family, float32
    manifest.json      per model: file, family, opset, inputs, ops, data file

The models are untrained (seeded initialisation, BatchNorm statistics from random inputs): the
tests compare ONNX Runtime with itself before and after the conversion, never with labels.

torch 1.13 exports opsets 7 to 17, and Debian's onnx 1.12 knows no opset above 17, so
onnx.version_converter cannot make 18 to 21 here. raise_opset() does it for the ops these
models use, following the ONNX operator changelog (Changelog.md): at 18 the reductions other
than ReduceSum take their axes as an input, and Split needs its split input or num_outputs;
19 to 21 changed nothing these models use but types (Cast, Pad, Reshape, Resize's new modes,
Shape, Squeeze, Transpose ... gained float8 or int4). The IR version follows onnx/Versioning.md.

Deterministic: fixed seeds, 2 CPU threads.
"""

import hashlib
import json
import os
import sys

import numpy as np
import onnx
import onnx.helper
import onnx.numpy_helper
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus_data as data  # noqa: E402
import corpus_export as ex  # noqa: E402

SEED = 20251210
CALIB_ROWS = 64
IR_VERSION = {18: 8, 19: 9, 20: 9, 21: 10}
REDUCTIONS_WITH_AXES_INPUT_AT_18 = {
    "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2",
    "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare"}


class ConvNet(nn.Module):
    """A CNN with the ops whose ONNX definition changed between opsets 7 and 13: BatchNorm,
    ReLU6 (Clip), constant and reflect Pad, Slice, Split, Softmax over dim 1 of a 4-D tensor,
    nearest and bilinear upsampling (Upsample or Resize; both enlarge, as Upsample must),
    ReduceSum, Squeeze/Unsqueeze, and a Gemm head with LogSoftmax. Input [N, 3, 16, 16]."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 16, 3, stride=2)
        self.conv3 = nn.Conv2d(16, 8, 1)
        self.conv4 = nn.Conv2d(8, 8, 3, padding=1)
        self.fc = nn.Linear(8, 10)
        self.sizes_not_scales = False

    def forward(self, x):
        x = F.relu6(self.bn1(self.conv1(x)))            # [N, 8, 16, 16]
        x = F.pad(x, (2, 2, 2, 2), value=0.25)          # [N, 8, 20, 20]
        x = x[:, :, 1:-1, 1:-1]                          # [N, 8, 18, 18]
        x = F.relu(self.conv2(x))                        # [N, 16, 8, 8]
        a, b = torch.split(x, [6, 10], dim=1)
        x = self.conv3(torch.cat([b, a * 0.5], dim=1))   # [N, 8, 8, 8]
        x = torch.softmax(x, dim=1) * x
        x = self.resize(x, 2.0, "nearest")                          # [N, 8, 16, 16]
        x = F.pad(x, (1, 1, 1, 1), mode="reflect")                   # [N, 8, 18, 18]
        x = self.conv4(x)                                            # [N, 8, 18, 18]
        x = self.resize(x, 1.5, "bilinear")                         # [N, 8, 27, 27]
        s = x.sum(dim=(2, 3), keepdim=True)              # [N, 8, 1, 1]
        v = s.squeeze(3).squeeze(2) / 729.0              # [N, 8]
        v = self.fc(v).unsqueeze(1)                      # [N, 1, 10]
        return torch.log_softmax(v, dim=-1).squeeze(1)   # [N, 10]

    def resize(self, x, scale, mode):
        """Upsample or Resize by {@code scale} with constant scales in the export. torch writes
        Upsample below opset 9 only for a constant output size, and from opset 9 on constant
        scales only for a scale factor it does not recompute from the size."""
        corners = {"align_corners": False} if mode == "bilinear" else {}
        if self.sizes_not_scales:
            size = [int(d * scale) for d in x.shape[2:]]
            return F.interpolate(x, size=size, mode=mode, **corners)
        return F.interpolate(x, scale_factor=scale, mode=mode, recompute_scale_factor=False,
                             **corners)


class TokenNet(nn.Module):
    """Tokens through LayerNorm (an op from opset 17, ReduceMean/Pow/Sqrt/Div before),
    single-head attention (MatMul, Softmax over the last dim), a mean over tokens (ReduceMean)
    and a chunk into two halves (Split). Input [N, 6, 16]."""

    def __init__(self):
        super().__init__()
        self.norm = nn.LayerNorm(16)
        self.qkv = nn.Linear(16, 48)
        self.out = nn.Linear(16, 16)
        self.head = nn.Linear(8, 4)

    def forward(self, x):
        h = self.norm(x)
        q, k, v = self.qkv(h).chunk(3, dim=-1)
        att = torch.softmax(q @ k.transpose(1, 2) / 4.0, dim=-1)
        x = x + self.out(att @ v)
        left, right = x.mean(dim=1).chunk(2, dim=-1)     # [N, 8] each
        return self.head(torch.tanh(left) * right)


# family, module, input shape without the batch, opsets and weight styles of corpus_export
FAMILIES = [
    ("convnet", ConvNet, (3, 16, 16)),
    ("tokennet", TokenNet, (6, 16)),
]
# opset -> weight style: "constants" keeps BatchNormalization and puts the weights in Constant
# nodes, as older exporters did; "init" is torch's default.
EXPORTS = {7: "constants", 8: "init", 9: "constants", 10: "init", 11: "constants",
           12: "init", 17: "init"}


def with_dropout(proto, opset):
    """Inserts an inference Dropout in front of the last Gemm or MatMul, as exporters older than
    torch's left them: the ratio an attribute before opset 12, the mask output written but read
    by nothing. torch drops Dropout in eval mode, so it is added here."""
    graph = proto.graph
    index = max(i for i, n in enumerate(graph.node) if n.op_type in ("Gemm", "MatMul"))
    target = graph.node[index]
    dropped = target.input[0] + "_dropout"
    attrs = {"ratio": 0.1} if opset < 12 else {}
    dropout = onnx.helper.make_node("Dropout", [target.input[0]], [dropped, dropped + "_mask"],
                                    name="inserted_Dropout", **attrs)
    target.input[0] = dropped
    graph.node.insert(index, dropout)
    onnx.checker.check_model(proto, full_check=True)
    return proto


def raise_opset(proto, opset):
    """A copy of an opset-17 model raised to {@code opset} (18 to 21): see the module doc."""
    out = onnx.ModelProto()
    out.CopyFrom(proto)
    graph = out.graph
    for n in graph.node:
        if n.op_type in REDUCTIONS_WITH_AXES_INPUT_AT_18:
            axes = [a for a in n.attribute if a.name == "axes"]
            if axes:
                name = n.output[0] + "_axes"
                graph.initializer.append(onnx.numpy_helper.from_array(
                    np.array(axes[0].ints, dtype=np.int64), name))
                n.attribute.remove(axes[0])
                n.input.append(name)
        if n.op_type == "Split" and len(n.input) < 2:
            n.attribute.append(onnx.helper.make_attribute("num_outputs", len(n.output)))
    for imp in out.opset_import:
        if imp.domain in ("", "ai.onnx"):
            imp.version = opset
    out.ir_version = IR_VERSION[opset]
    return out


def export(module, shape, opset, style):
    """torch's export with a dynamic batch. Below opset 9 torch writes Upsample only when it
    knows every input dim, so those models are traced on a fixed batch of 1 and the batch is
    made symbolic afterwards (nothing in them depends on its value)."""
    module.sizes_not_scales = opset < 9
    if opset >= 9:
        return ex.export(module, (torch.rand(2, *shape),), opset, style, ["input"], ["output"],
                         {"input": {0: "batch"}, "output": {0: "batch"}})
    proto = ex.export(module, (torch.rand(1, *shape),), opset, style, ["input"], ["output"],
                      None)
    for v in list(proto.graph.input[:1]) + list(proto.graph.output):
        v.type.tensor_type.shape.dim[0].dim_param = "batch"
    del proto.graph.value_info[:]
    onnx.checker.check_model(proto, full_check=True)
    return proto


@torch.no_grad()
def settle(module, shape):
    """BatchNorm statistics of random inputs, so that BatchNorm is not the identity."""
    for mod in module.modules():
        if isinstance(mod, nn.BatchNorm2d):
            mod.momentum = None
    module.train()
    module(torch.rand(64, *shape) * 2 - 1)
    return module.eval()


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "target/opset-corpus"
    torch.set_num_threads(2)
    torch.manual_seed(SEED)
    for sub in ("models", "data"):
        os.makedirs(os.path.join(out, sub), exist_ok=True)
    entries = []
    for family, make, shape in FAMILIES:
        torch.manual_seed(SEED)
        module = settle(make(), shape)
        rows = torch.Generator().manual_seed(SEED)
        calib = torch.rand(CALIB_ROWS, *shape, generator=rows) * 2 - 1
        data_file = f"data/{family}_calib.npy"
        data.write_npy(os.path.join(out, data_file), calib)
        protos = {}
        for opset, style in EXPORTS.items():
            protos[opset] = with_dropout(export(module, shape, opset, style), opset)
        for opset in IR_VERSION:
            protos[opset] = raise_opset(protos[17], opset)
        for opset, proto in sorted(protos.items()):
            name = f"{family}_op{opset}"
            path = os.path.join(out, "models", name + ".onnx")
            with open(path, "wb") as f:
                f.write(proto.SerializeToString())
            entries.append({
                "name": name, "family": family, "file": f"models/{name}.onnx", "opset": opset,
                "weights": EXPORTS.get(opset, "init"), "bytes": os.path.getsize(path),
                "sha256": hashlib.sha256(proto.SerializeToString()).hexdigest(),
                "inputs": [{"name": "input", "shape": ["batch", *shape]}],
                "ops": ex.op_counts(proto), "calib_data": data_file})
            print(f"  {name}: {entries[-1]['bytes'] / 1024:.0f} KiB, "
                  f"{sum(entries[-1]['ops'].values())} nodes", flush=True)
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump({"schema": "qcal.opset-corpus/1", "seed": SEED, "torch": torch.__version__,
                   "models": entries}, f, indent=1)


if __name__ == "__main__":
    main()
