"""Calibration and held-out inputs for the corpus, all derived from Fashion-MNIST or from a
fixed seed, and their writers in formats qcal reads (.npy, JSON lines)."""

import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from make_test_models import load_split  # noqa: E402  (the project's own IDX reader)

CALIB_ROWS = 512
HELDOUT_ROWS = 256  # scenes, text lines and token rows
FMNIST_HELDOUT_ROWS = 1000  # the classifiers' images: one flipped row is 0.1 point of top-1
TEXT_VOCAB = 1000
TEXT_LEN = 32
PAD, CLS, SEP = 0, 1, 2


def fashion_mnist(data_dir):
    """(train x, train y, test x, test y): float32 [N,1,28,28] in [0,1], int64 labels."""
    x_train, y_train = load_split(data_dir, "train")
    x_test, y_test = load_split(data_dir, "t10k")
    return x_train, y_train, x_test, y_test


def split_rows(x, heldout=HELDOUT_ROWS):
    """The calibration rows and the {@code heldout} rows that follow them."""
    return x[:CALIB_ROWS], x[CALIB_ROWS:CALIB_ROWS + heldout]


def color_scenes(gray, seed):
    """[N,3,32,32]: each 28x28 image padded to 32x32, a random foreground colour on a random
    background colour with a little noise, as the photos a segmentation net sees."""
    g = torch.Generator().manual_seed(seed)
    n = gray.shape[0]
    padded = torch.nn.functional.pad(gray, (2, 2, 2, 2))
    fg = torch.rand(n, 3, 1, 1, generator=g)
    bg = torch.rand(n, 3, 1, 1, generator=g) * 0.5
    noise = torch.randn(n, 3, 32, 32, generator=g) * 0.03
    return (padded * fg + (1 - padded) * bg + noise).clamp(0, 1)


# A text line: LINE_IMAGES images side by side, LINE_PAD blank columns left and right, 2 rows
# above and below: [1, 32, 128]. The CRNN's two 2x2 MaxPools leave one output step per
# STEP_WIDTH columns: 32 steps, 7 per image and 2 blank ones at each end.
LINE_IMAGES = 4
LINE_PAD = 8
LINE_WIDTH = LINE_IMAGES * 28 + 2 * LINE_PAD
STEP_WIDTH = 4
LINE_STEPS = LINE_WIDTH // STEP_WIDTH
BLANK = 10  # the step class of columns outside every image (the ten garment classes are 0..9)


def text_lines(gray, seed):
    """[N/4,1,32,128]: four images side by side, padded to a 32x128 line, as a CRNN reads."""
    g = torch.Generator().manual_seed(seed)
    n = gray.shape[0] // LINE_IMAGES
    line = gray[:LINE_IMAGES * n].reshape(n, LINE_IMAGES, 28, 28).permute(0, 2, 1, 3)
    line = torch.nn.functional.pad(line.reshape(n, 1, 28, LINE_IMAGES * 28),
                                   (LINE_PAD, LINE_PAD, 2, 2))
    return (line + torch.randn(line.shape, generator=g) * 0.02).clamp(0, 1)


def step_labels(labels):
    """int64 [N/4, 32]: the class of each output step of the lines text_lines makes from images
    with these labels, the class of the image the step's columns are centred on, or BLANK in
    the padding left and right of the images."""
    n = labels.shape[0] // LINE_IMAGES
    per_line = labels[:LINE_IMAGES * n].reshape(n, LINE_IMAGES)
    steps = torch.full((n, LINE_STEPS), BLANK, dtype=torch.int64)
    for t in range(LINE_STEPS):
        centre = STEP_WIDTH * t + (STEP_WIDTH - 1) / 2
        image = int((centre - LINE_PAD) // 28)
        if 0 <= image < LINE_IMAGES:
            steps[:, t] = per_line[:, image]
    return steps


def token_batches(rows, seed):
    """(input_ids, attention_mask) int64 [rows, 32]: [CLS] Zipf-distributed word ids [SEP] and
    padding, lengths 6..32, as a tokenizer hands them to a BERT-style encoder."""
    rng = np.random.default_rng(seed)
    ids = np.full((rows, TEXT_LEN), PAD, dtype=np.int64)
    mask = np.zeros((rows, TEXT_LEN), dtype=np.int64)
    for r in range(rows):
        length = int(rng.integers(6, TEXT_LEN + 1))
        words = np.minimum(rng.zipf(1.3, length - 2) + 2, TEXT_VOCAB - 1)
        ids[r, :length] = np.concatenate([[CLS], words, [SEP]])
        mask[r, :length] = 1
    return torch.from_numpy(ids), torch.from_numpy(mask)


def write_npy(path, x):
    """float32 tensors as float32, integer tensors (labels) as int64."""
    np.save(path, x.numpy().astype(np.float32 if x.dtype.is_floating_point else np.int64))


def write_jsonl(path, columns):
    """One JSON object per row; tensors as flat arrays (float columns rounded to 5 decimals,
    which Spark reads as array<double>), labels and ids as integers."""
    n = len(next(iter(columns.values())))
    with open(path, "w") as f:
        for r in range(n):
            row = {}
            for name, values in columns.items():
                v = values[r]
                if v.dtype.is_floating_point:
                    row[name] = [round(float(a), 5) for a in v.reshape(-1)]
                elif v.dim() == 0:
                    row[name] = int(v)
                else:
                    row[name] = [int(a) for a in v.reshape(-1)]
            f.write(json.dumps(row, separators=(",", ":")) + "\n")
