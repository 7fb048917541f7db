#!/usr/bin/python3
"""The table of benchmarks/bias-correction.sh: per model, without and with bias correction, the
exported (`--choose auto`) candidate's output SQNR, top-1 (or the gate metric) and agreement with
FP32 on the held-out rows, and the int8 kernels ONNX Runtime runs; then each method's SQNR gain.

    /usr/bin/python3 benchmarks/biascorr/table.py OUT_DIR
"""
import json
import os
import sys

METHODS = ["minmax", "percentile", "entropy", "mse"]


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def run(out, name, mode):
    d = os.path.join(out, name, mode)
    cal = load(os.path.join(d, "calibration", "calibration.json"))
    val = load(os.path.join(d, "validation", "validation.json"))
    if cal is None or val is None:
        return None
    kernels = cal.get("int8Kernels") or {}
    methods = {}
    for c in val.get("candidates", []):
        out0 = c["outputs"][0] if c.get("outputs") else {}
        metrics = c.get("metrics") or {}
        methods[c["name"]] = {"sqnr": out0.get("sqnrDb"), "top1": metrics.get("top1"),
                              "agreement": metrics.get("agreement"), "value": c.get("value")}
    return {"chosen": cal.get("chosen"), "methods": methods,
            "metric": (val.get("gate") or {}).get("metric"),
            "fp32Top1": (val.get("reference") or {}).get("top1"),
            "int8": sum((kernels.get("ops") or {}).values()),
            "quantized": kernels.get("quantizedNodes"),
            "corrected": len(cal.get("biasShifts", []))}


def fmt(x, digits=1, scale=1.0):
    return "-" if x is None else f"{x * scale:.{digits}f}"


def main():
    out = sys.argv[1]
    names = sorted((n for n in os.listdir(out) if os.path.isdir(os.path.join(out, n, "off"))),
                   key=lambda n: (n not in ("cnn", "residual", "mlp"), n))
    print("| model | metric | exported (off / on) | output SQNR dB off | on | gain |"
          " metric off | on | agreement % off | on | int8 kernels off | on | nodes corrected |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    gains = {m: [] for m in METHODS}
    for name in names:
        off, on = run(out, name, "off"), run(out, name, "on")
        if off is None or on is None:
            print(f"| {name} | failed: see {name}/off and {name}/on | | | | | | | | | | | |")
            continue
        a, b = off["methods"].get(off["chosen"], {}), on["methods"].get(on["chosen"], {})
        gain = None if a.get("sqnr") is None or b.get("sqnr") is None else b["sqnr"] - a["sqnr"]
        print("| " + " | ".join([
            name, off["metric"] or "-", f"{off['chosen']} / {on['chosen']}",
            fmt(a.get("sqnr")), fmt(b.get("sqnr")), fmt(gain, 2),
            fmt(a.get("value"), 2), fmt(b.get("value"), 2),
            fmt(a.get("agreement")), fmt(b.get("agreement")),
            f"{off['int8']}/{off['quantized']}", f"{on['int8']}/{on['quantized']}",
            str(on["corrected"])]) + " |")
        for m in METHODS:
            x, y = off["methods"].get(m, {}).get("sqnr"), on["methods"].get(m, {}).get("sqnr")
            if x is not None and y is not None:
                gains[m].append((name, y - x))
    print()
    print("Output SQNR gain (dB, with minus without) of every method's export on the held-out"
          " rows:")
    print()
    print("| model | " + " | ".join(METHODS) + " |")
    print("|---|" + "---|" * len(METHODS))
    for name in names:
        row = [dict(gains[m]).get(name) for m in METHODS]
        print(f"| {name} | " + " | ".join(fmt(g, 2) for g in row) + " |")
    for m in METHODS:
        values = [g for _, g in gains[m]]
        if values:
            better = sum(1 for g in values if g > 0)
            print(f"\n{m}: mean gain {sum(values) / len(values):+.2f} dB over {len(values)} models,"
                  f" better on {better}", end="")
    print()


if __name__ == "__main__":
    main()
