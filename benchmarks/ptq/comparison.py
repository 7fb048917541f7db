#!/usr/bin/python3
"""The models and rows of the comparison with PyTorch's eager PTQ, in one place for the PyTorch
script, the driver (benchmarks/ptq-compare.sh) and the table.

The shipped residual CNN and cnn, calibrated on slice rows 0..999 and measured on rows
1000..1999 (benchmarks/ptq/make_rows.py writes them into ROWS_DIR); one variant of each corpus
classifier family (tinycnn, mobilenetv3, vit), the `init` export of the highest opset, on the
manifest's calibration (512) and held-out (1000) files.

    /usr/bin/python3 benchmarks/ptq/comparison.py ROWS_DIR CORPUS_DIR
prints one line per model for the driver: name|model|calib|heldout|qcal args (paths absolute).
"""
import json
import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SHIPPED_MODELS = os.path.join(ROOT, "quant-core", "src", "test", "resources", "models")
CORPUS_VARIANTS = ["tinycnn_b1_op13_init", "mobilenetv3_op17_init", "vit_op17_init"]


def models(rows_dir, corpus_dir):
    """[{name, family, model, calib, heldout, qcal_args, reference}] in table order."""
    found = []
    for name in ("residual", "cnn"):
        found.append({
            "name": name, "family": name,
            "model": os.path.join(SHIPPED_MODELS, name + ".onnx"),
            "calib": os.path.join(rows_dir, "slice_calib.jsonl"),
            "heldout": os.path.join(rows_dir, "slice_heldout.jsonl"),
            "qcal_args": ["--input", "input=input"],
            # torch's logits of slice rows 0 and 1 (calibration rows 0 and 1 here), which
            # quant-core's tests check ONNX Runtime against.
            "reference": {"kind": "shipped", "name": name,
                          "file": os.path.join(SHIPPED_MODELS, "expected_logits.json")}})
    manifest = json.load(open(os.path.join(corpus_dir, "manifest.json")))
    entries = {e["name"]: e for e in manifest["models"]}
    for name in CORPUS_VARIANTS:
        e = entries[name]
        found.append({
            "name": name, "family": e["family"],
            "model": os.path.join(corpus_dir, e["file"]),
            "calib": os.path.join(corpus_dir, e["calib_data"]),
            "heldout": os.path.join(corpus_dir, e["heldout_data"]),
            "qcal_args": e["qcal_args"],
            # torch's outputs on reference inputs, which CorpusModelsTest checks ORT against.
            "reference": {"kind": "corpus", "file": os.path.join(corpus_dir, e["reference"])}})
    return found


if __name__ == "__main__":
    for m in models(os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])):
        print("|".join([m["name"], m["model"], m["calib"], m["heldout"],
                        " ".join(m["qcal_args"])]))
