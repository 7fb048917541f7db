#!/usr/bin/python3
"""Regenerates the tiny hand-checkable models and inputs of org.qcal.runtime's tests.

Regeneration only: builds and tests use the committed outputs and never run Python.
Needs Debian's python3-onnx and python3-numpy (run with /usr/bin/python3, not a pyenv python);
the Fashion-MNIST pixels also need the package dataset-fashion-mnist.

Usage (from the repository root):
    /usr/bin/python3 tools/make_runtime_test_models.py [--out-dir DIR] [--data-dir DIR]

Writes, into --out-dir (default quant-core/src/test/resources/models/tiny/):
    add_relu.onnx    inputs a, b: float32 [batch, 3]; outputs y = Relu(a + b), sum = a + b
    embedding.onnx   input ids: int64 [batch, seq]; outputs emb = Gather(table, ids) float32
                     [batch, seq, 2] with table[i] = [i, i + 0.5] (5 rows), next_ids = ids + 1
    qdq_conv.onnx    input x: float32 [1, 1, 5, 5] -> Q/DQ (uint8) -> Conv with int8 per-channel
                     weights behind DequantizeLinear -> Q/DQ -> y [1, 2, 3, 3]: the smallest
                     QDQ graph that ONNX Runtime fuses into QLinearConv
    fashion_t10k_0_1.f32
                     Fashion-MNIST test images 0 and 1 as x / 255, float32 little-endian,
                     [2, 1, 28, 28] row-major: the inputs behind expected_logits.json
Every output is small enough to check by hand, so the tests need no reference runtime.
"""

import argparse
import gzip
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 13
IR_VERSION = 7  # opset 13's IR version; any ONNX Runtime since 1.8 reads it
DEFAULT_OUT_DIR = "quant-core/src/test/resources/models/tiny"
DEFAULT_DATA_DIR = "/usr/share/datasets/fashion-mnist"


def save(graph, path):
    model = helper.make_model(graph, producer_name="qcal-tools",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, path)
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")


def add_relu(path):
    a = helper.make_tensor_value_info("a", TensorProto.FLOAT, ["batch", 3])
    b = helper.make_tensor_value_info("b", TensorProto.FLOAT, ["batch", 3])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 3])
    s = helper.make_tensor_value_info("sum", TensorProto.FLOAT, ["batch", 3])
    nodes = [helper.make_node("Add", ["a", "b"], ["sum"], name="add"),
             helper.make_node("Relu", ["sum"], ["y"], name="relu")]
    save(helper.make_graph(nodes, "add_relu", [a, b], [y, s]), path)


def embedding(path):
    table = np.array([[i, i + 0.5] for i in range(5)], dtype=np.float32)
    ids = helper.make_tensor_value_info("ids", TensorProto.INT64, ["batch", "seq"])
    emb = helper.make_tensor_value_info("emb", TensorProto.FLOAT, ["batch", "seq", 2])
    nxt = helper.make_tensor_value_info("next_ids", TensorProto.INT64, ["batch", "seq"])
    inits = [numpy_helper.from_array(table, "table"),
             numpy_helper.from_array(np.array(1, dtype=np.int64), "one")]
    nodes = [helper.make_node("Gather", ["table", "ids"], ["emb"], name="gather", axis=0),
             helper.make_node("Add", ["ids", "one"], ["next_ids"], name="add_one")]
    save(helper.make_graph(nodes, "embedding", [ids], [emb, nxt], initializer=inits), path)


def qdq_conv(path):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 5, 5])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 3, 3])
    weights = np.arange(-9, 9, dtype=np.int8).reshape(2, 1, 3, 3)
    inits = [
        numpy_helper.from_array(np.array(1 / 255, dtype=np.float32), "x_scale"),
        numpy_helper.from_array(np.array(0, dtype=np.uint8), "x_zero_point"),
        numpy_helper.from_array(weights, "w_quantized"),
        numpy_helper.from_array(np.array([0.01, 0.02], dtype=np.float32), "w_scale"),
        numpy_helper.from_array(np.zeros(2, dtype=np.int8), "w_zero_point"),
        numpy_helper.from_array(np.array(0.05, dtype=np.float32), "y_scale"),
        numpy_helper.from_array(np.array(128, dtype=np.uint8), "y_zero_point"),
    ]
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "x_scale", "x_zero_point"], ["x_q"]),
        helper.make_node("DequantizeLinear", ["x_q", "x_scale", "x_zero_point"], ["x_dq"]),
        helper.make_node("DequantizeLinear", ["w_quantized", "w_scale", "w_zero_point"],
                         ["w_dq"], axis=0),
        helper.make_node("Conv", ["x_dq", "w_dq"], ["conv"], name="conv"),
        helper.make_node("QuantizeLinear", ["conv", "y_scale", "y_zero_point"], ["y_q"]),
        helper.make_node("DequantizeLinear", ["y_q", "y_scale", "y_zero_point"], ["y"]),
    ]
    save(helper.make_graph(nodes, "qdq_conv", [x], [y], initializer=inits), path)


def fashion_pixels(data_dir, path):
    """Same decoding as tools/make_test_models.py: pixels as float32 x / 255."""
    with gzip.open(os.path.join(data_dir, "t10k-images-idx3-ubyte.gz"), "rb") as f:
        data = f.read()
    body = np.frombuffer(data, dtype=np.uint8, offset=16)[:2 * 784]
    pixels = body.astype(np.float32) / np.float32(255.0)
    pixels.astype("<f4").tofile(path)
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out-dir", default=DEFAULT_OUT_DIR)
    parser.add_argument("--data-dir", default=DEFAULT_DATA_DIR)
    args = parser.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    add_relu(os.path.join(args.out_dir, "add_relu.onnx"))
    embedding(os.path.join(args.out_dir, "embedding.onnx"))
    qdq_conv(os.path.join(args.out_dir, "qdq_conv.onnx"))
    fashion_pixels(args.data_dir, os.path.join(args.out_dir, "fashion_t10k_0_1.f32"))


if __name__ == "__main__":
    main()
