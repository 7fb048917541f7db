#!/usr/bin/python3
"""Regenerates qcal's test models and the Fashion-MNIST data slice.

Regeneration only: builds and tests use the committed outputs and never run Python.
Normally run through tools/make_test_models.sh, which also converts the slice to Parquet.

Needs Debian bookworm packages (run with /usr/bin/python3, not a pyenv/venv interpreter):
    apt-get install python3-torch python3-onnx dataset-fashion-mnist

Usage (from the repository root):
    /usr/bin/python3 tools/make_test_models.py --npy-dir /tmp/slice [--data-dir DIR] [--out-dir DIR]

Writes, into --out-dir (default quant-core/src/test/resources/models/):
    cnn.onnx             Conv/Relu/MaxPool x2, Flatten, Gemm/Relu/Gemm   input [batch,1,28,28]
    mlp.onnx             MatMul/Add/Relu x2, MatMul/Add                   input [batch,784]
    residual.onnx        ResNet-style: Conv stem, 2 residual Add blocks,
                         GlobalAveragePool, Flatten, Gemm                  input [batch,1,28,28]
    expected_logits.json torch FP32 logits of the first 2 slice images per model
    README.md            ops, shapes, parameter counts, sizes, accuracies
and into --npy-dir (a temporary folder, not committed):
    slice_pixels.npy     float32 [2000,784]: first 2000 TEST images, x/255, row-major 28x28
    slice_labels.npy     int64   [2000]
which jobs/src/test/java/org/qcal/jobs/tools/WriteSliceParquet.java turns into
jobs/src/test/resources/data/fashion-mnist-slice.parquet.

All models: ONNX opset 13, input "input", output "logits" [batch,10], batch axis dynamic and
named "batch", float32 pixels in [0,1]. Deterministic: fixed seeds, 2 CPU threads, deterministic
algorithms; takes a few minutes on 2 cores.
"""

import argparse
import gzip
import json
import os
import re
import sys
import time

import numpy as np
import onnx
import onnx.numpy_helper
import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 20240601
SLICE_ROWS = 2000
OPSET = 13
DEFAULT_DATA_DIR = "/usr/share/datasets/fashion-mnist"
DEFAULT_OUT_DIR = "quant-core/src/test/resources/models"
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def read_idx(path):
    """Reads a gzipped IDX file (the format of the MNIST family) into a numpy array."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, dtype_code, ndim = data[0] << 8 | data[1], data[2], data[3]
    if zero != 0 or dtype_code != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    shape = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(shape)):
        raise ValueError(f"{path}: expected {np.prod(shape)} values, found {body.size}")
    return body.reshape(shape)


def load_split(data_dir, prefix):
    images = read_idx(os.path.join(data_dir, f"{prefix}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(data_dir, f"{prefix}-labels-idx1-ubyte.gz"))
    x = torch.from_numpy(images.astype(np.float32) / np.float32(255.0)).reshape(-1, 1, 28, 28)
    y = torch.from_numpy(labels.astype(np.int64))
    return x, y


class Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(32 * 7 * 7, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc2(F.relu(self.fc1(self.flatten(x))))


class AffineMatMul(nn.Module):
    """x @ W + b with explicit parameters, so the export is MatMul + Add rather than Gemm."""

    def __init__(self, n_in, n_out):
        super().__init__()
        bound = 1.0 / n_in ** 0.5
        self.weight = nn.Parameter(torch.empty(n_in, n_out).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(n_out).uniform_(-bound, bound))

    def forward(self, x):
        return x @ self.weight + self.bias


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = AffineMatMul(784, 128)
        self.l2 = AffineMatMul(128, 64)
        self.l3 = AffineMatMul(64, 10)

    def forward(self, x):
        return self.l3(F.relu(self.l2(F.relu(self.l1(x)))))


class ResidualBlock(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(y)) + x)


class Residual(nn.Module):
    """BatchNorm is used for training only: the eval-mode export folds it into the Convs."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(1, 32, 3, padding=1, bias=False)
        self.stem_bn = nn.BatchNorm2d(32)
        self.block1 = ResidualBlock(32)
        self.down = nn.Conv2d(32, 64, 3, stride=2, padding=1, bias=False)
        self.down_bn = nn.BatchNorm2d(64)
        self.block2 = ResidualBlock(64)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = F.relu(self.stem_bn(self.stem(x)))
        x = self.block1(x)
        x = F.relu(self.down_bn(self.down(x)))
        x = self.block2(x)
        return self.fc(self.flatten(self.pool(x)))


def train(model, x, y, epochs, lr, batch_size, flat_input, seed):
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    steps = epochs * ((len(x) + batch_size - 1) // batch_size)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=lr, total_steps=steps)
    model.train()
    for epoch in range(epochs):
        start = time.time()
        order = torch.randperm(len(x), generator=generator)
        total_loss = 0.0
        for i in range(0, len(x), batch_size):
            idx = order[i:i + batch_size]
            xb = x[idx].reshape(len(idx), -1) if flat_input else x[idx]
            loss = F.cross_entropy(model(xb), y[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            total_loss += loss.item() * len(idx)
        print(f"  epoch {epoch + 1}/{epochs}: loss {total_loss / len(x):.4f} "
              f"({time.time() - start:.0f} s)", flush=True)
    model.eval()


@torch.no_grad()
def logits_of(model, x, flat_input):
    model.eval()
    outs = [model(x[i:i + 1000].reshape(-1, 784) if flat_input else x[i:i + 1000])
            for i in range(0, len(x), 1000)]
    return torch.cat(outs)


def export(model, flat_input, path):
    dummy = torch.zeros(2, 784) if flat_input else torch.zeros(2, 1, 28, 28)
    torch.onnx.export(model, dummy, path, opset_version=OPSET, do_constant_folding=True,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
                      training=torch.onnx.TrainingMode.EVAL)
    proto = onnx.load(path)
    onnx.checker.check_model(proto, full_check=True)
    return proto


def run_onnx_graph(proto, x):
    """Evaluates the exported graph node by node with torch's functional ops on the ONNX
    initializers: an independent check that the export (BatchNorm folding included) computes
    what the trained module does. Covers only the ops these models use."""
    env = {init.name: torch.from_numpy(onnx.numpy_helper.to_array(init).copy())
           for init in proto.graph.initializer}
    env[proto.graph.input[0].name] = x
    for node in proto.graph.node:
        a = {attr.name: onnx.helper.get_attribute_value(attr) for attr in node.attribute}
        i = [env[name] for name in node.input]
        if node.op_type == "Conv":
            pads = a.get("pads", [0, 0, 0, 0])
            if pads[:2] != pads[2:]:
                raise ValueError(f"{node.name}: asymmetric pads {pads}")
            y = F.conv2d(i[0], i[1], i[2] if len(i) > 2 else None, stride=a.get("strides", 1),
                         padding=pads[:2], dilation=a.get("dilations", 1),
                         groups=a.get("group", 1))
        elif node.op_type == "Relu":
            y = F.relu(i[0])
        elif node.op_type == "MaxPool":
            y = F.max_pool2d(i[0], a["kernel_shape"], a.get("strides"),
                             a.get("pads", [0, 0, 0, 0])[:2])
        elif node.op_type == "GlobalAveragePool":
            y = i[0].mean(dim=(2, 3), keepdim=True)
        elif node.op_type == "Flatten":
            y = i[0].reshape(int(np.prod(i[0].shape[:a.get("axis", 1)])), -1)
        elif node.op_type == "Gemm":
            b = i[1].t() if a.get("transB", 0) else i[1]
            y = a.get("alpha", 1.0) * (i[0] @ b) + a.get("beta", 1.0) * i[2]
        elif node.op_type == "MatMul":
            y = i[0] @ i[1]
        elif node.op_type == "Add":
            y = i[0] + i[1]
        else:
            raise ValueError(f"{node.name}: op {node.op_type} not covered by the check")
        env[node.output[0]] = y
    return env[proto.graph.output[0].name]


def node_table(proto):
    rows = ["| node | op | inputs | output |", "|---|---|---|---|"]
    initializers = {init.name for init in proto.graph.initializer}
    for node in proto.graph.node:
        inputs = ", ".join(f"`{n}`" + (" (init)" if n in initializers else "")
                           for n in node.input)
        rows.append(f"| `{node.name}` | {node.op_type} | {inputs} | `{node.output[0]}` |")
    return rows


def describe_value(value):
    dims = [d.dim_param if d.dim_param else str(d.dim_value)
            for d in value.type.tensor_type.shape.dim]
    elem = onnx.TensorProto.DataType.Name(value.type.tensor_type.elem_type).lower()
    return f"`{value.name}` {elem} [{', '.join(dims)}]"


def op_counts(proto):
    counts = {}
    for node in proto.graph.node:
        counts[node.op_type] = counts.get(node.op_type, 0) + 1
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default=DEFAULT_DATA_DIR)
    parser.add_argument("--out-dir", default=DEFAULT_OUT_DIR)
    parser.add_argument("--npy-dir", required=True, help="where the slice .npy files go")
    args = parser.parse_args()

    started = time.time()
    torch.manual_seed(SEED)
    np.random.seed(SEED)
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)

    x_train, y_train = load_split(args.data_dir, "train")
    x_test, y_test = load_split(args.data_dir, "t10k")
    print(f"train {tuple(x_train.shape)}, test {tuple(x_test.shape)}", flush=True)

    os.makedirs(args.npy_dir, exist_ok=True)
    slice_x, slice_y = x_test[:SLICE_ROWS], y_test[:SLICE_ROWS]
    np.save(os.path.join(args.npy_dir, "slice_pixels.npy"),
            np.ascontiguousarray(slice_x.reshape(SLICE_ROWS, 784).numpy(), dtype="<f4"))
    np.save(os.path.join(args.npy_dir, "slice_labels.npy"),
            np.ascontiguousarray(slice_y.numpy(), dtype="<i8"))

    # name, model, flat input, epochs, learning rate, batch size, description
    specs = [
        ("cnn", Cnn(), False, 3, 3e-3, 128,
         "Two Conv(3x3, pad 1)/Relu/MaxPool(2) stages (1->16->32 channels), Flatten, "
         "Gemm(1568->128)/Relu/Gemm(128->10)."),
        ("mlp", Mlp(), True, 2, 2e-3, 128,
         "Three `x @ W + b` layers 784->128->64->10 (MatMul + Add), Relu between."),
        ("residual", Residual(), False, 1, 4e-3, 128,
         "Conv stem 1->32 at 28x28, residual block (2 Convs + Add + Relu) at 32x28x28, "
         "stride-2 Conv 32->64, residual block at 64x14x14, GlobalAveragePool, Flatten, "
         "Gemm(64->10). Trained with BatchNorm, folded into the Convs by the export."),
    ]

    os.makedirs(args.out_dir, exist_ok=True)
    expected = {"images": "first 2 rows of fashion-mnist-slice.parquet (Fashion-MNIST test "
                          "images 0 and 1), pixels x/255",
                "labels": slice_y[:2].tolist(),
                "models": {}}
    report = []
    for i, (name, model, flat, epochs, lr, batch, text) in enumerate(specs):
        torch.manual_seed(SEED + i)
        print(f"{name}: training {epochs} epoch(s)", flush=True)
        train(model, x_train, y_train, epochs, lr, batch, flat, SEED + 100 + i)
        test_logits = logits_of(model, x_test, flat)
        accuracy = (test_logits.argmax(1) == y_test).float().mean().item()
        slice_accuracy = (test_logits[:SLICE_ROWS].argmax(1) == slice_y).float().mean().item()
        path = os.path.join(args.out_dir, f"{name}.onnx")
        proto = export(model, flat, path)
        counts = op_counts(proto)
        with torch.no_grad():
            graph_logits = run_onnx_graph(proto, slice_x[:200].reshape(-1, 784) if flat
                                          else slice_x[:200])
        max_diff = (graph_logits - test_logits[:200]).abs().max().item()
        if max_diff > 1e-3:
            sys.exit(f"{name}: exported graph differs from the torch module by {max_diff}")
        params = sum(p.numel() for p in model.parameters())
        size = os.path.getsize(path)
        print(f"  test accuracy {accuracy:.4f}, slice top-1 {slice_accuracy:.4f}, "
              f"{params} parameters, {size} bytes", flush=True)
        print(f"  ops: {counts}; graph re-evaluated on 200 slice images: max |diff| "
              f"{max_diff:.2e}", flush=True)
        expected["models"][name] = {
            "file": f"{name}.onnx",
            "input_shape": [2, 784] if flat else [2, 1, 28, 28],
            "logits": [[float(v) for v in row] for row in test_logits[:2].tolist()],
        }
        report.append((name, text, proto, counts, params, size, accuracy, slice_accuracy,
                       max_diff))

    # One line per logits row keeps the file short and diffable.
    text = json.dumps(expected, indent=2)
    text = re.sub(r"\[\s+([-0-9.e,\s]+?)\s+\]",
                  lambda m: "[" + ", ".join(v.strip() for v in m.group(1).split(",")) + "]", text)
    with open(os.path.join(args.out_dir, "expected_logits.json"), "w") as f:
        f.write(text + "\n")
    write_readme(args.out_dir, report, expected)
    total = sum(r[5] for r in report)
    if total > 3 * 1024 * 1024:
        sys.exit(f"models total {total} bytes, over the 3 MB budget")
    print(f"done in {time.time() - started:.0f} s; models total {total} bytes", flush=True)


def write_readme(out_dir, report, expected):
    lines = [
        "# Test models",
        "",
        "Generated by `tools/make_test_models.sh` (which runs `tools/make_test_models.py`): "
        "trained on the Fashion-MNIST training set (Debian package `dataset-fashion-mnist`, "
        "Zalando, MIT license) with PyTorch 1.13 on CPU, exported with `torch.onnx.export` "
        f"(opset {OPSET}, constant folding, eval mode). Do not edit by hand; regenerate.",
        "",
        "Every model takes float32 pixels in [0, 1] (x / 255) and outputs 10 class logits "
        "(T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot). "
        "The batch axis is dynamic and named `batch`.",
        "",
        "Accuracy is FP32 top-1 in PyTorch, on the full Fashion-MNIST test set (10 000 images) "
        f"and on the shipped slice (`jobs/src/test/resources/data/fashion-mnist-slice.parquet`, "
        f"the first {SLICE_ROWS} test images).",
        "",
        "| model | input | output | parameters | file size | test accuracy | slice top-1 |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, _, proto, _, params, size, acc, sacc, _ in report:
        lines.append(f"| `{name}.onnx` | {describe_value(proto.graph.input[0])} | "
                     f"{describe_value(proto.graph.output[0])} | {params:,} | {size:,} B | "
                     f"{100 * acc:.2f} % | {100 * sacc:.2f} % |")
    lines.append("")
    for name, text, proto, counts, _, _, _, _, _ in report:
        ops = ", ".join(f"{op} x{n}" for op, n in counts.items())
        lines += [f"## {name}.onnx", "", text, "", f"Op counts: {ops}. Nodes in graph order "
                  "(`(init)` marks an initializer):", ""] + node_table(proto) + [""]
    lines += [
        "## expected_logits.json",
        "",
        "PyTorch FP32 logits of the first two slice images (labels "
        f"{expected['labels']}) for every model, to compare with ONNX Runtime's output. "
        "The exported graph differs from the PyTorch module only by BatchNorm folding and "
        "float summation order: re-evaluating each exported graph op by op on the first 200 "
        "slice images gave a max absolute logit difference of "
        + ", ".join(f"{r[8]:.1e} ({r[0]})" for r in report)
        + "; a tolerance of 1e-3 absolute should leave ample margin for ONNX Runtime (not run here: Debian has no onnxruntime for Python).",
        "",
    ]
    with open(os.path.join(out_dir, "README.md"), "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main()
