"""The comparison's models as PyTorch eager-mode quantization expects them.

The same architectures as tools/make_test_models.py and tools/corpus/corpus_models.py, rewritten
the way eager-mode post-training quantization needs (PyTorch's "Quantization" docs, eager mode):
a QuantStub where float data enter a quantized region and a DeQuantStub where they leave,
activations as modules (nn.ReLU, so fuse_modules can fold them into the Conv/Linear),
FloatFunctional for additions and multiplications of two activations, and the exported graph's
folded BatchNorm as Conv biases. Every Conv2d/Linear/LayerNorm is registered in the order of its
node in the ONNX graph (onnx_weights.load_into checks kinds and shapes). `fusions()` lists the
module groups fuse_modules takes; `float_parts` says what eager mode leaves in float.
"""
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.ao.nn.quantized import FloatFunctional
from torch.ao.quantization import DeQuantStub, QuantStub

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools",
                                "corpus"))
import corpus_models  # noqa: E402


class ConvNet(nn.Module):
    """Conv/ReLU/MaxPool(2) x2, Flatten, Linear layers with ReLU between: the shipped cnn.onnx
    (1->16->32, 1568->128->10) and the corpus tinycnn (1->8->16, 784->10)."""

    float_parts = "none"

    def __init__(self, c1, c2, widths):
        super().__init__()
        self.quant, self.dequant = QuantStub(), DeQuantStub()
        self.conv1, self.relu1 = nn.Conv2d(1, c1, 3, padding=1), nn.ReLU()
        self.conv2, self.relu2 = nn.Conv2d(c1, c2, 3, padding=1), nn.ReLU()
        self.fcs = nn.ModuleList(nn.Linear(a, b) for a, b in zip(widths, widths[1:]))
        self.fc_relus = nn.ModuleList(nn.ReLU() for _ in widths[2:])

    def forward(self, x):
        x = F.max_pool2d(self.relu1(self.conv1(self.quant(x))), 2)
        x = F.max_pool2d(self.relu2(self.conv2(x)), 2).flatten(1)
        for i, fc in enumerate(self.fcs):
            x = fc(x)
            if i < len(self.fc_relus):
                x = self.fc_relus[i](x)
        return self.dequant(x)

    def fusions(self):
        return [["conv1", "relu1"], ["conv2", "relu2"]] + [
            [f"fcs.{i}", f"fc_relus.{i}"] for i in range(len(self.fc_relus))]


class ResidualBlock(nn.Module):
    """Conv/ReLU, Conv, then the skip added and ReLU'd in one quantized add_relu."""

    def __init__(self, channels):
        super().__init__()
        self.conv1, self.relu1 = nn.Conv2d(channels, channels, 3, padding=1), nn.ReLU()
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)
        self.skip = FloatFunctional()

    def forward(self, x):
        return self.skip.add_relu(self.conv2(self.relu1(self.conv1(x))), x)


class Residual(nn.Module):
    """The shipped residual.onnx: Conv stem 1->32, block, stride-2 Conv 32->64, block,
    GlobalAveragePool, Linear 64->10 (BatchNorm folded into the Convs by the export)."""

    float_parts = "none"

    def __init__(self):
        super().__init__()
        self.quant, self.dequant = QuantStub(), DeQuantStub()
        self.stem, self.stem_relu = nn.Conv2d(1, 32, 3, padding=1), nn.ReLU()
        self.block1 = ResidualBlock(32)
        self.down, self.down_relu = nn.Conv2d(32, 64, 3, stride=2, padding=1), nn.ReLU()
        self.block2 = ResidualBlock(64)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = self.block1(self.stem_relu(self.stem(self.quant(x))))
        x = self.block2(self.down_relu(self.down(x)))
        return self.dequant(self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1)))

    def fusions(self):
        return [["stem", "stem_relu"], ["down", "down_relu"],
                ["block1.conv1", "block1.relu1"], ["block2.conv1", "block2.relu1"]]


class ConvAct(nn.Module):
    """Conv (BatchNorm folded into its bias) and HardSwish, ReLU or nothing."""

    def __init__(self, cin, cout, k, stride=1, groups=1, act="hswish"):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups)
        self.act = {"hswish": nn.Hardswish(), "relu": nn.ReLU(), None: nn.Identity()}[act]

    def forward(self, x):
        return self.act(self.conv(x))


class SqueezeExcite(nn.Module):
    """GlobalAveragePool, 1x1 Conv/ReLU, 1x1 Conv, HardSigmoid, and the gate's Mul."""

    def __init__(self, channels):
        super().__init__()
        self.fc1 = ConvAct(channels, channels // 4, 1, act="relu")
        self.fc2 = nn.Conv2d(channels // 4, channels, 1)
        self.gate = FloatFunctional()

    def forward(self, x):
        # F.hardsigmoid has a quantized kernel with fixed output parameters (1/256, 0), so it
        # needs no observer; nn.Hardsigmoid has no entry in the eager module mappings.
        s = F.hardsigmoid(self.fc2(self.fc1(F.adaptive_avg_pool2d(x, 1))))
        return self.gate.mul(x, s)


class InvertedResidual(nn.Module):
    def __init__(self, cin, cexp, cout, stride, se):
        super().__init__()
        self.expand = ConvAct(cin, cexp, 1)
        self.depthwise = ConvAct(cexp, cexp, 3, stride, groups=cexp)
        self.se = SqueezeExcite(cexp) if se else nn.Identity()
        self.project = ConvAct(cexp, cout, 1, act=None)
        self.skip = FloatFunctional() if stride == 1 and cin == cout else None

    def forward(self, x):
        y = self.project(self.se(self.depthwise(self.expand(x))))
        return self.skip.add(x, y) if self.skip is not None else y


class MobileNetV3ish(nn.Module):
    """The corpus mobilenetv3, BatchNorm folded, its layer sizes read off the corpus's own
    module (tools/corpus/corpus_models.py), so the two cannot drift apart. All of it runs
    quantized in eager mode: nn.Hardswish maps to a quantized module, HardSigmoid and the
    pools have quantized kernels, the SE Mul and residual Add are FloatFunctional."""

    float_parts = "none"

    def __init__(self, corpus):
        super().__init__()
        self.quant, self.dequant = QuantStub(), DeQuantStub()
        self.stem = ConvAct(1, corpus.stem.conv.out_channels, 3, 2)
        self.blocks = nn.Sequential(*(InvertedResidual(
            b.expand.conv.in_channels, b.expand.conv.out_channels, b.project.conv.out_channels,
            b.depthwise.conv.stride[0], not isinstance(b.se, nn.Identity))
            for b in corpus.blocks))
        self.last = ConvAct(corpus.last.conv.in_channels, corpus.last.conv.out_channels, 1)
        first, second = corpus.head[0], corpus.head[2]
        self.head = nn.Sequential(nn.Linear(first.in_features, first.out_features),
                                  nn.Hardswish(),
                                  nn.Linear(second.in_features, second.out_features))

    def forward(self, x):
        x = self.last(self.blocks(self.stem(self.quant(x))))
        return self.dequant(self.head(F.adaptive_avg_pool2d(x, 1).flatten(1)))

    def fusions(self):
        return [[f"blocks.{i}.se.fc1.conv", f"blocks.{i}.se.fc1.act"] for i in (0, 2)]


class VitBlock(nn.Module):
    """A pre-norm transformer block. Eager mode has quantized LayerNorm and Linear modules but
    no quantized matmul of two activations, Softmax or GELU module mapping: the attention core
    (QK^T, Softmax, AV) and GELU run in float between DeQuantStub and QuantStub, and so does the
    residual stream (its adds take the float attention and MLP outputs)."""

    def __init__(self, dim, heads, hidden):
        super().__init__()
        self.heads, self.head_dim = heads, dim // heads
        self.quant_attention, self.quant_context = QuantStub(), QuantStub()
        self.quant_mlp, self.quant_hidden = QuantStub(), QuantStub()
        self.dequant = DeQuantStub()
        self.norm1 = nn.LayerNorm(dim)
        self.q, self.k, self.v = nn.Linear(dim, dim), nn.Linear(dim, dim), nn.Linear(dim, dim)
        self.out = nn.Linear(dim, dim)
        self.norm2 = nn.LayerNorm(dim)
        self.fc1, self.fc2 = nn.Linear(dim, hidden), nn.Linear(hidden, dim)

    def split(self, x):
        return x.view(x.size(0), x.size(1), self.heads, self.head_dim).transpose(1, 2)

    def forward(self, x):
        a = self.norm1(self.quant_attention(x))
        q, k, v = (self.split(self.dequant(layer(a))) for layer in (self.q, self.k, self.v))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim)
        context = torch.matmul(F.softmax(scores, dim=-1), v).transpose(1, 2)
        context = context.reshape(x.size(0), x.size(1), -1)
        x = x + self.dequant(self.out(self.quant_context(context)))
        h = F.gelu(self.dequant(self.fc1(self.norm2(self.quant_mlp(x)))))
        return x + self.dequant(self.fc2(self.quant_hidden(h)))


class TinyVit(nn.Module):
    """The corpus vit: 7x7 patch Conv (quantized), class token and position table (float),
    two VitBlocks, final LayerNorm and head Linear (quantized)."""

    float_parts = ("attention core (QK^T, Softmax, AV), GELU, residual adds, class token and "
                   "position add")

    def __init__(self, dim=48, heads=4, layers=2, patch=7, classes=10):
        super().__init__()
        self.quant_image, self.quant_head, self.dequant = QuantStub(), QuantStub(), DeQuantStub()
        self.patches = nn.Conv2d(1, dim, patch, patch)
        self.cls = nn.Parameter(torch.zeros(1, 1, dim))
        self.position = nn.Parameter(torch.zeros(1, (28 // patch) ** 2 + 1, dim))
        self.blocks = nn.ModuleList(VitBlock(dim, heads, 2 * dim) for _ in range(layers))
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, classes)

    def forward(self, x):
        x = self.dequant(self.patches(self.quant_image(x))).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.size(0), -1, -1), x], 1) + self.position
        for block in self.blocks:
            x = block(x)
        return self.dequant(self.head(self.norm(self.quant_head(x[:, 0]))))

    def fusions(self):
        return []

    def load_tokens(self, values):
        """The class token and position table, initializers the parametric layers omit."""
        with torch.no_grad():
            self.cls.copy_(torch.tensor(values["cls"]))
            self.position.copy_(torch.tensor(values["position"]))


def build(family):
    """A fresh float module of one of the comparison's architectures."""
    return {
        "cnn": lambda: ConvNet(16, 32, [32 * 7 * 7, 128, 10]),
        "tinycnn": lambda: ConvNet(8, 16, [16 * 7 * 7, 10]),
        "residual": Residual,
        "mobilenetv3": lambda: MobileNetV3ish(corpus_models.MobileNetV3ish()),
        "vit": TinyVit,
    }[family]()
