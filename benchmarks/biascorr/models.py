#!/usr/bin/python3
"""The models of the bias-correction benchmark (benchmarks/bias-correction.sh), one line each:
name|model|calib|heldout|qcal args|validate args (paths absolute).

The shipped cnn, residual and mlp on slice rows 0..999 / 1000..1999 (benchmarks/ptq/make_rows.py
writes them into ROWS_DIR), then every model of the corpus manifest with its own files and
arguments.

    /usr/bin/python3 benchmarks/biascorr/models.py ROWS_DIR CORPUS_DIR
"""
import json
import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SHIPPED = os.path.join(ROOT, "quant-core", "src", "test", "resources", "models")


def main():
    rows, corpus = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    for name in ("cnn", "residual", "mlp"):
        print("|".join([name, os.path.join(SHIPPED, name + ".onnx"),
                        os.path.join(rows, "slice_calib.jsonl"),
                        os.path.join(rows, "slice_heldout.jsonl"),
                        "--input input=input", "--label label"]))
    for e in json.load(open(os.path.join(corpus, "manifest.json")))["models"]:
        print("|".join([e["name"], os.path.join(corpus, e["file"]),
                        os.path.join(corpus, e["calib_data"]),
                        os.path.join(corpus, e["heldout_data"]),
                        " ".join(e["qcal_args"]), " ".join(e["validate_args"])]))


if __name__ == "__main__":
    main()
