#!/usr/bin/python3
"""The default-choice table from benchmarks/default-choice.sh's folder: per model, each method's
held-out output SQNR (and top-1 where labelled) and the method `--choose auto` exported; then per
method (and auto) the mean output SQNR over the models and its collapses (more than 10 dB below
the model's best method). Usage: default_choice_table.py OUT_DIR"""
import json
import os
import sys

COLLAPSE_DB = 10.0
METHODS = ["minmax", "percentile", "entropy", "mse"]


def load(out, name):
    with open(os.path.join(out, name, "calibration", "calibration.json")) as f:
        calibration = json.load(f)
    with open(os.path.join(out, name, "validation", "validation.json")) as f:
        validation = json.load(f)
    results = {}
    for c in validation["candidates"]:
        sqnr = c["outputs"][0]["sqnrDb"]
        top1 = (c.get("metrics") or {}).get("top1")
        results[c["name"]] = (float(sqnr) if sqnr is not None else float("nan"), top1)
    return calibration["chosen"], results


def main(out):
    names = sorted(d for d in os.listdir(out) if os.path.isdir(os.path.join(out, d, "validation")))
    shipped = [n for n in ("cnn", "residual", "mlp") if n in names]
    names = shipped + [n for n in names if n not in shipped]
    header = "| model | " + " | ".join(METHODS) + " | auto picks | auto |"
    print(header + "\n|" + "---|" * (len(METHODS) + 3))
    sums = {m: [] for m in METHODS + ["auto"]}
    collapses = {m: 0 for m in METHODS + ["auto"]}
    for name in names:
        chosen, results = load(out, name)
        best = max(results[m][0] for m in METHODS if m in results)
        cells = []
        for m in METHODS + ["auto"]:
            sqnr, top1 = results[chosen if m == "auto" else m]
            sums[m].append(sqnr)
            collapses[m] += sqnr < best - COLLAPSE_DB
            cells.append(f"{sqnr:.2f}" + (f" ({top1:.2f} %)" if top1 is not None else ""))
        print(f"| {name} | " + " | ".join(cells[:-1]) + f" | {chosen} | {cells[-1]} |")
    mean = {m: sum(v) / len(v) for m, v in sums.items()}
    print(f"| mean output SQNR, dB | " + " | ".join(f"{mean[m]:.2f}" for m in METHODS)
          + f" | | {mean['auto']:.2f} |")
    print(f"| collapses (> {COLLAPSE_DB:.0f} dB below the best) | "
          + " | ".join(str(collapses[m]) for m in METHODS) + f" | | {collapses['auto']} |")


if __name__ == "__main__":
    main(sys.argv[1])
