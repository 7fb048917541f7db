#!/usr/bin/python3
"""The table of benchmarks/smoothquant.sh: per model and mode (off, then each alpha), the
exported (`--choose auto`) candidate's output SQNR, top-1 (or the gate metric) and agreement with
FP32 on the held-out rows, the int8 kernels ONNX Runtime runs, the activations smoothed and how far
their outlier channels stand out (largest channel max |x| over the median channel's, the largest
over the model's smoothed activations); then each method's SQNR gain over off.

    /usr/bin/python3 benchmarks/smoothquant/table.py OUT_DIR
"""
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "biascorr"))
from table import METHODS, fmt, load, run  # noqa: E402  (the bias-correction table's readers)


def smoothing(out, name, mode):
    """(activations smoothed, largest max/median channel ratio) of a run's calibration.json."""
    cal = load(os.path.join(out, name, mode, "calibration", "calibration.json")) or {}
    sites = (cal.get("smoothQuant") or {}).get("sites", [])
    ratios = []
    for s in sites:
        m = s.get("activationMax") or []
        median = statistics.median(m) if m else 0
        if median > 0:
            ratios.append(max(m) / median)
    return len(sites), (max(ratios) if ratios else None)


def main():
    out = sys.argv[1]
    names = sorted(n for n in os.listdir(out) if os.path.isdir(os.path.join(out, n, "off")))
    modes = sorted({m for n in names for m in os.listdir(os.path.join(out, n))},
                   key=lambda m: (m != "off", m))
    print("| model | mode | exported | output SQNR dB | gain | metric | agreement % |"
          " int8 kernels | smoothed | max/median |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    gains = {}
    for name in names:
        off = run(out, name, "off")
        base = None if off is None else off["methods"].get(off["chosen"], {}).get("sqnr")
        for mode in modes:
            r = run(out, name, mode)
            if r is None:
                print(f"| {name} | {mode} | failed: see {name}/{mode} | | | | | | | |")
                continue
            c = r["methods"].get(r["chosen"], {})
            gain = None if base is None or c.get("sqnr") is None else c["sqnr"] - base
            sites, ratio = smoothing(out, name, mode)
            print("| " + " | ".join([
                name, mode, r["chosen"], fmt(c.get("sqnr")),
                "" if mode == "off" else fmt(gain, 2), f"{r['metric'] or '-'} {fmt(c.get('value'), 2)}",
                fmt(c.get("agreement")), f"{r['int8']}/{r['quantized']}",
                "" if mode == "off" else str(sites), fmt(ratio, 2)]) + " |")
            if mode != "off" and off is not None:
                for m in METHODS:
                    x = off["methods"].get(m, {}).get("sqnr")
                    y = r["methods"].get(m, {}).get("sqnr")
                    if x is not None and y is not None:
                        gains.setdefault(mode, {}).setdefault(m, []).append((name, y - x))
    for mode, by_method in gains.items():
        print()
        print(f"Output SQNR gain (dB, {mode} minus off) of every method's export on the held-out"
              " rows:")
        print()
        print("| model | " + " | ".join(METHODS) + " |")
        print("|---|" + "---|" * len(METHODS))
        for name in names:
            row = [dict(by_method.get(m, [])).get(name) for m in METHODS]
            print(f"| {name} | " + " | ".join(fmt(g, 2) for g in row) + " |")


if __name__ == "__main__":
    main()
