#!/usr/bin/python3
"""The corpus's CNN variants (tools/corpus/make_corpus.py VARIANTS) with untrained weights.

The same graphs as the corpus, made in seconds instead of the corpus's training, for
benchmarks/tap-bench.sh, which times forwards only: their cost does not depend on the weights'
values. Needs Debian's python3-torch and python3-onnx.

    /usr/bin/python3 benchmarks/corpus-cnns.py OUT_DIR
"""
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools",
                                "corpus"))
import corpus_export as ex  # noqa: E402
import corpus_models as m  # noqa: E402

torch.manual_seed(13)
torch.set_num_threads(1)
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
img = torch.randn(2, 1, 28, 28)
scene = torch.randn(2, 3, 32, 32)
B = {0: "batch"}
specs = [
    ("mobilenetv3_op17_init", m.MobileNetV3ish(), img, 17, "init", ["input"], ["logits"], B),
    ("mobilenetv3_op11_constants", m.MobileNetV3ish(), img, 11, "constants", ["input"], ["logits"], B),
    ("segnet_op13_init_fixedhw", m.SegNet("convtranspose"), scene, 13, "init", ["image"], ["mask"], B),
    ("tinycnn_b1_op13_init", m.TinyCnn(), img[:1], 13, "init", ["input"], ["logits"], None),
]
for name, module, x, opset, style, ins, outs, axes in specs:
    module.eval()
    dyn = {n: axes for n in ins + outs} if axes else None
    proto = ex.export(module, (x,), opset, style, ins, outs, dyn)
    with open(os.path.join(out, name + ".onnx"), "wb") as f:
        f.write(proto.SerializeToString())
    print(name, ex.op_counts(proto))
