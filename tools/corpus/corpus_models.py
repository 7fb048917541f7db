"""The corpus architectures: small look-alikes of what people export from PyTorch.

Each class is only an architecture (no downloaded weights). Sizes are chosen so that every
exported model stays well under 2 MB of float32 weights.
"""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class ConvBnAct(nn.Module):
    """Conv -> BatchNorm -> activation, the unit of most exported CNNs."""

    def __init__(self, cin, cout, k, stride=1, groups=1, act="hswish"):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False)
        self.bn = nn.BatchNorm2d(cout)
        self.act = {"hswish": nn.Hardswish(), "relu": nn.ReLU(), None: nn.Identity()}[act]

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


class SqueezeExcite(nn.Module):
    """MobileNetV3's squeeze-excitation: GlobalAveragePool, 1x1 convs, HardSigmoid gate, Mul."""

    def __init__(self, channels, reduction=4):
        super().__init__()
        self.fc1 = nn.Conv2d(channels, channels // reduction, 1)
        self.fc2 = nn.Conv2d(channels // reduction, channels, 1)

    def forward(self, x):
        s = F.adaptive_avg_pool2d(x, 1)
        s = F.hardsigmoid(self.fc2(F.relu(self.fc1(s))))
        return x * s


class InvertedResidual(nn.Module):
    """Expand 1x1, depthwise 3x3, optional SE, project 1x1; residual Add when shapes allow."""

    def __init__(self, cin, cexp, cout, stride, se):
        super().__init__()
        self.expand = ConvBnAct(cin, cexp, 1)
        self.depthwise = ConvBnAct(cexp, cexp, 3, stride, groups=cexp)
        self.se = SqueezeExcite(cexp) if se else nn.Identity()
        self.project = ConvBnAct(cexp, cout, 1, act=None)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        y = self.project(self.se(self.depthwise(self.expand(x))))
        return x + y if self.residual else y


class MobileNetV3ish(nn.Module):
    """A MobileNetV3-small-like classifier for 1x28x28 images (HardSwish, SE, BatchNorm)."""

    def __init__(self, classes=10):
        super().__init__()
        self.stem = ConvBnAct(1, 16, 3, 2)
        self.blocks = nn.Sequential(
            InvertedResidual(16, 32, 16, 1, se=True),
            InvertedResidual(16, 64, 24, 2, se=False),
            InvertedResidual(24, 72, 24, 1, se=True))
        self.last = ConvBnAct(24, 96, 1)
        self.head = nn.Sequential(nn.Linear(96, 128), nn.Hardswish(), nn.Linear(128, classes))

    def forward(self, x):
        x = self.last(self.blocks(self.stem(x)))
        return self.head(F.adaptive_avg_pool2d(x, 1).flatten(1))


class SegNet(nn.Module):
    """A U-Net-like segmentation net: two downsamplings, upsampling by ConvTranspose or Resize,
    Concat skips, a one-channel sigmoid map. Works for any H and W divisible by 4."""

    def __init__(self, upsample="convtranspose"):
        super().__init__()
        self.enc1 = nn.Sequential(ConvBnAct(3, 16, 3, act="relu"), ConvBnAct(16, 16, 3, act="relu"))
        self.enc2 = ConvBnAct(16, 32, 3, act="relu")
        self.bottleneck = ConvBnAct(32, 64, 3, act="relu")
        self.upsample = upsample
        if upsample == "convtranspose":
            self.up2 = nn.ConvTranspose2d(64, 32, 2, stride=2)
            self.up1 = nn.ConvTranspose2d(32, 16, 2, stride=2)
        else:
            self.up2 = nn.Conv2d(64, 32, 1)
            self.up1 = nn.Conv2d(32, 16, 1)
        self.dec2 = ConvBnAct(64, 32, 3, act="relu")
        self.dec1 = ConvBnAct(32, 16, 3, act="relu")
        self.mask = nn.Conv2d(16, 1, 1)

    def up(self, conv, x):
        if self.upsample == "convtranspose":
            return conv(x)
        return conv(F.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=False))

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(F.max_pool2d(e1, 2))
        b = self.bottleneck(F.max_pool2d(e2, 2))
        d2 = self.dec2(torch.cat([self.up(self.up2, b), e2], 1))
        d1 = self.dec1(torch.cat([self.up(self.up1, d2), e1], 1))
        return torch.sigmoid(self.mask(d1))


class SelfAttention(nn.Module):
    """Multi-head attention as BERT and ViT exports show it: Q, K, V projections, heads split by
    Reshape + Transpose, two activation MatMuls around a Softmax."""

    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.head_dim = dim // heads
        self.q = nn.Linear(dim, dim)
        self.k = nn.Linear(dim, dim)
        self.v = nn.Linear(dim, dim)
        self.out = nn.Linear(dim, dim)

    def split(self, x):
        return x.view(x.size(0), x.size(1), self.heads, self.head_dim).transpose(1, 2)

    def forward(self, x, mask_bias=None):
        q, k, v = self.split(self.q(x)), self.split(self.k(x)), self.split(self.v(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim)
        if mask_bias is not None:
            scores = scores + mask_bias
        context = torch.matmul(F.softmax(scores, dim=-1), v).transpose(1, 2)
        return self.out(context.reshape(x.size(0), x.size(1), -1))


class EncoderBlock(nn.Module):
    """A transformer block, post-norm (BERT) or pre-norm (ViT), with an Erf GELU MLP."""

    def __init__(self, dim, heads, hidden, pre_norm):
        super().__init__()
        self.attention = SelfAttention(dim, heads)
        self.norm1 = nn.LayerNorm(dim)
        self.norm2 = nn.LayerNorm(dim)
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)
        self.pre_norm = pre_norm

    def mlp(self, x):
        return self.fc2(F.gelu(self.fc1(x)))

    def forward(self, x, mask_bias=None):
        if self.pre_norm:
            x = x + self.attention(self.norm1(x), mask_bias)
            return x + self.mlp(self.norm2(x))
        x = self.norm1(x + self.attention(x, mask_bias))
        return self.norm2(x + self.mlp(x))


class TinyBert(nn.Module):
    """A BERT-style encoder: Gather embeddings (word + position), LayerNorm, post-norm blocks,
    the additive attention mask from int64 ids, a tanh pooler on [CLS] and a classifier."""

    def __init__(self, vocab=1000, dim=64, heads=4, layers=2, max_len=64, classes=2):
        super().__init__()
        self.word = nn.Embedding(vocab, dim)
        self.position = nn.Embedding(max_len, dim)
        self.register_buffer("position_ids", torch.arange(max_len).unsqueeze(0))
        self.norm = nn.LayerNorm(dim)
        self.blocks = nn.ModuleList(
            [EncoderBlock(dim, heads, 2 * dim, pre_norm=False) for _ in range(layers)])
        self.pooler = nn.Linear(dim, dim)
        self.classifier = nn.Linear(dim, classes)

    def forward(self, input_ids, attention_mask):
        positions = self.position_ids[:, :input_ids.size(1)]
        x = self.norm(self.word(input_ids) + self.position(positions))
        mask_bias = (1.0 - attention_mask[:, None, None, :].float()) * -10000.0
        for block in self.blocks:
            x = block(x, mask_bias)
        return self.classifier(torch.tanh(self.pooler(x[:, 0])))


class TinyVit(nn.Module):
    """A ViT-style classifier for 1x28x28: 7x7 patches by a strided Conv, a class token
    concatenated in front, learned position embeddings, pre-norm blocks, a head on the token."""

    def __init__(self, dim=48, heads=4, layers=2, patch=7, classes=10):
        super().__init__()
        tokens = (28 // patch) ** 2
        self.patches = nn.Conv2d(1, dim, patch, patch)
        self.cls = nn.Parameter(torch.zeros(1, 1, dim))
        self.position = nn.Parameter(torch.randn(1, tokens + 1, dim) * 0.02)
        self.blocks = nn.ModuleList(
            [EncoderBlock(dim, heads, 2 * dim, pre_norm=True) for _ in range(layers)])
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, classes)

    def forward(self, x):
        x = self.patches(x).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.size(0), -1, -1), x], 1) + self.position
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x)[:, 0])


class Crnn(nn.Module):
    """A CRNN text-line recognizer: a Conv feature extractor that collapses the height, a
    bidirectional LSTM or GRU over the width, and a per-step Softmax over the classes."""

    def __init__(self, rnn="lstm", classes=11, hidden=48):
        super().__init__()
        self.features = nn.Sequential(
            ConvBnAct(1, 16, 3, act="relu"), nn.MaxPool2d(2),
            ConvBnAct(16, 32, 3, act="relu"), nn.MaxPool2d(2),
            ConvBnAct(32, 64, 3, act="relu"), nn.MaxPool2d((2, 1)),
            nn.Conv2d(64, 64, (4, 1)), nn.ReLU())
        kind = {"lstm": nn.LSTM, "gru": nn.GRU}[rnn]
        self.rnn = kind(64, hidden, batch_first=True, bidirectional=True)
        self.classifier = nn.Linear(2 * hidden, classes)

    def sequence(self, x):
        """[batch, steps, 64]: the features, one vector per 4 input columns."""
        return self.features(x).squeeze(2).permute(0, 2, 1)

    def step_scores(self, f):
        """[batch, steps, classes] logits of a feature sequence (trained with cross-entropy)."""
        y, _ = self.rnn(f)
        return self.classifier(y)

    def forward(self, x):
        return F.softmax(self.step_scores(self.sequence(x)), dim=-1)


class TinyCnn(nn.Module):
    """The plain classifier of an app that only ever runs one image: exported with batch 1."""

    def __init__(self, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.fc = nn.Linear(16 * 7 * 7, classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc(x.flatten(1))
