#!/usr/bin/python3
"""Dumps real-looking activation tensors once, for the observer benchmark (observers-bench.sh).

Three randomly initialised models (no weights are downloaded) run Fashion-MNIST test images;
forward hooks capture conv, ReLU, attention and feed-forward outputs of one batch. Each tensor
is written as a float32 .npy file (the batch is its first dim), and manifest.tsv lists
name, file, shape and rows, for time_observers.py and the Java ObserversBenchmark.

    dump_activations.py OUT_DIR [--batch 32]
"""
import argparse
import gzip
import os

import numpy as np
import torch
import torchvision

IMAGES = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"
# Fashion-MNIST's pixel mean and standard deviation over the training set (pixels in [0, 1]).
MEAN, STD = 0.2860, 0.3530


def images(count):
    """The first `count` test images, normalised, as [count, 1, 28, 28] float32."""
    with gzip.open(IMAGES, "rb") as f:
        raw = f.read()
    # IDX file: 16-byte header (magic, count, rows, cols), then uint8 pixels, row major.
    pixels = np.frombuffer(raw, dtype=np.uint8, offset=16)[: count * 28 * 28]
    x = pixels.reshape(count, 1, 28, 28).astype(np.float32) / 255.0
    return torch.from_numpy((x - MEAN) / STD)


def resnet18():
    """ResNet18, first conv taking one channel; it runs on 64x64 upscaled images."""
    m = torchvision.models.resnet18(num_classes=10)
    m.conv1 = torch.nn.Conv2d(1, 64, kernel_size=7, stride=2, padding=3, bias=False)
    return m, {"conv1": m.conv1, "relu": m.relu, "layer1.0.conv2": m.layer1[0].conv2,
               "layer2.1.relu": m.layer2[1].relu, "layer3.0.conv1": m.layer3[0].conv1}


def mobilenet_v2():
    """MobileNetV2, first conv taking one channel; ReLU6 and depthwise/pointwise conv outputs."""
    m = torchvision.models.mobilenet_v2(num_classes=10)
    m.features[0][0] = torch.nn.Conv2d(1, 32, kernel_size=3, stride=2, padding=1, bias=False)
    block = m.features[2].conv  # inverted residual: expand (conv, bn, relu6), depthwise, project
    return m, {"features.0.relu6": m.features[0][2], "features.2.expand.relu6": block[0][2],
               "features.2.depthwise.conv": block[1][0], "features.4.project": m.features[4].conv[2]}


class RowTransformer(torch.nn.Module):
    """Each image as a sequence of its 28 pixel rows, through one transformer encoder layer."""

    def __init__(self, width=128):
        super().__init__()
        self.embed = torch.nn.Linear(28, width)
        self.encoder = torch.nn.TransformerEncoderLayer(
            d_model=width, nhead=4, dim_feedforward=4 * width, batch_first=True)
        self.head = torch.nn.Linear(width, 10)

    def forward(self, x):
        tokens = self.embed(x.reshape(x.shape[0], 28, 28))
        return self.head(self.encoder(tokens).mean(dim=1))


def transformer():
    m = RowTransformer()
    e = m.encoder
    return m, {"self_attn": e.self_attn, "linear1": e.linear1, "linear2": e.linear2,
               "norm2": e.norm2}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--batch", type=int, default=32)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(13)
    warm_batches = 4
    x = images(args.batch * (warm_batches + 1))
    models = [("resnet18", resnet18, 64), ("mobilenet_v2", mobilenet_v2, 64),
              ("transformer", transformer, 28)]
    rows = []
    for model_name, build, side in models:
        model, taps = build()
        inputs = x if side == 28 else torch.nn.functional.interpolate(
            x, size=(side, side), mode="bilinear", align_corners=False)
        with torch.no_grad():
            # Random init leaves BatchNorm's running statistics at mean 0, var 1, so eval-mode
            # activations would blow up layer by layer; a few training-mode batches set them
            # from the data, as training would (cumulative average: momentum None).
            for module in model.modules():
                if isinstance(module, torch.nn.modules.batchnorm._BatchNorm):
                    module.momentum = None
            model.train()
            for b in range(warm_batches):
                model(inputs[(b + 1) * args.batch:(b + 2) * args.batch])
            model.eval()
            captured = {}
            hooks = []
            for tap, module in taps.items():
                def hook(_module, _inputs, output, tap=tap):
                    # MultiheadAttention returns (output, weights): the output is what is
                    # quantized. A module used twice (ResNet's relu) keeps its first call.
                    out = output[0] if isinstance(output, tuple) else output
                    captured.setdefault(tap, out.detach().contiguous().numpy().copy())
                hooks.append(module.register_forward_hook(hook))
            # With gradients off, an eval-mode TransformerEncoderLayer takes PyTorch's fused fast
            # path, which skips its submodules and so their hooks; with them on it does not.
            with torch.enable_grad():
                model(inputs[: args.batch])
            for h in hooks:
                h.remove()
        for tap in taps:
            name = f"{model_name}.{tap}"
            a = np.ascontiguousarray(captured[tap], dtype=np.float32)
            np.save(os.path.join(args.out, name + ".npy"), a)
            rows.append((name, name + ".npy", "x".join(map(str, a.shape)), str(a.shape[0])))
            print(f"{name:40s} {str(a.shape):24s} {a.size:>9d} min {a.min():.3f} max {a.max():.3f}")
    with open(os.path.join(args.out, "manifest.tsv"), "w") as f:
        f.write("name\tfile\tshape\trows\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
    print(f"{len(rows)} tensors, {sum(np.prod([int(d) for d in r[2].split('x')]) for r in rows)}"
          f" floats, in {args.out}")


if __name__ == "__main__":
    main()
