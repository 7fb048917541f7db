#!/usr/bin/python3
"""Writes the shipped slice's rows as the calibration and held-out files of the comparison.

The shipped slice (jobs/src/test/resources/data/fashion-mnist-slice.parquet) is the first 2000
Fashion-MNIST test images, pixels x/255 as float32 (tools/make_test_models.py). Debian's
python3 has no Parquet reader, so the rows are taken from the same IDX files the slice was made
from, with the same loader, and written once as JSON lines (`input`: 784 floats, `label`), the
corpus's format: qcal and the PyTorch script both read these files, so both sides see the same
bytes. Rows 0..999 calibrate, rows 1000..1999 are held out.

    /usr/bin/python3 benchmarks/ptq/make_rows.py OUT_DIR [FASHION_MNIST_DIR]
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import make_test_models as shipped  # noqa: E402  (its IDX loader, the slice's own)

CALIB_ROWS = range(0, 1000)
HELDOUT_ROWS = range(1000, 2000)


def write_rows(path, pixels, labels, rows):
    with open(path, "w") as f:
        for i in rows:
            # float(np.float32) is the float32's exact value as a double: it parses back to the
            # same float32 on both sides.
            values = [float(v) for v in pixels[i].reshape(784)]
            f.write(json.dumps({"input": values, "label": int(labels[i])},
                               separators=(",", ":")) + "\n")


def main():
    out = sys.argv[1]
    data_dir = sys.argv[2] if len(sys.argv) > 2 else shipped.DEFAULT_DATA_DIR
    x, y = shipped.load_split(data_dir, "t10k")
    pixels, labels = x.numpy().astype(np.float32), y.numpy()
    os.makedirs(out, exist_ok=True)
    write_rows(os.path.join(out, "slice_calib.jsonl"), pixels, labels, CALIB_ROWS)
    write_rows(os.path.join(out, "slice_heldout.jsonl"), pixels, labels, HELDOUT_ROWS)


if __name__ == "__main__":
    main()
