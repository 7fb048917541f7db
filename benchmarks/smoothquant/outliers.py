#!/usr/bin/python3
"""A copy of a pre-LN transformer with activation outlier channels and the same FP32 function:
for every LayerNormalization whose output only MatMul projections (and Shape) read, channels
0..COUNT-1 of its scale and bias are multiplied by FACTOR and the same rows of each projection's
weight divided by it, so the LayerNorm output has FACTOR-times outliers in those channels (the
LLM phenomenon SmoothQuant targets, Xiao et al. 2022, section 3) while every projection's output
is unchanged up to float rounding.

    /usr/bin/python3 benchmarks/smoothquant/outliers.py IN.onnx OUT.onnx [FACTOR] [COUNT]
"""
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def main():
    src, dst = sys.argv[1], sys.argv[2]
    factor = float(sys.argv[3]) if len(sys.argv) > 3 else 20.0
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    model = onnx.load(src)
    g = model.graph
    inits = {t.name: t for t in g.initializer}
    readers = {}
    for n in g.node:
        for i in n.input:
            readers.setdefault(i, []).append(n)

    def scale(name, rows):
        t = inits[name]
        a = numpy_helper.to_array(t).copy()
        a[rows] *= factor if a.ndim == 1 else 1 / factor
        t.CopyFrom(numpy_helper.from_array(a.astype(np.float32), name))

    changed = 0
    for n in g.node:
        if n.op_type != "LayerNormalization":
            continue
        users = readers.get(n.output[0], [])
        projections = [u for u in users if u.op_type == "MatMul" and u.input[1] in inits]
        if not projections or any(u.op_type not in ("MatMul", "Shape") for u in users):
            continue
        rows = slice(0, count)
        for p in n.input[1:3]:
            scale(p, rows)
        for u in projections:
            scale(u.input[1], rows)  # [K, N]: rows are input channels
        changed += 1
    onnx.save(model, dst)
    print(f"{dst}: {changed} LayerNorm outputs with channels 0..{count - 1} x{factor:g}")


if __name__ == "__main__":
    main()
