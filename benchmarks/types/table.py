#!/usr/bin/python3
"""The table of benchmarks/types.sh: per model and type variant, the exported (`--choose auto`)
candidate's output SQNR, top-1 (or the gate metric) and agreement with FP32 on the held-out rows,
the nodes ONNX Runtime runs with integer kernels (calibration.json's int8Kernels), and the bytes
of model.int8.onnx against the FP32 model's.

    /usr/bin/python3 benchmarks/types/table.py OUT_DIR
"""
import json
import os
import sys

VARIANTS = ["u8", "u16", "w4", "w4u", "u16w4"]
LABELS = {"u8": "uint8 act, int8 w", "u16": "uint16 act, int8 w", "w4": "uint8 act, int4 w",
          "w4u": "uint8 act, uint4 w", "u16w4": "uint16 act, int4 w"}


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def run(out, name, variant):
    d = os.path.join(out, name, variant)
    cal = load(os.path.join(d, "calibration", "calibration.json"))
    val = load(os.path.join(d, "validation", "validation.json"))
    if cal is None or val is None:
        return None
    chosen = next((c for c in val.get("candidates", []) if c["name"] == cal.get("chosen")), {})
    out0 = chosen["outputs"][0] if chosen.get("outputs") else {}
    metrics = chosen.get("metrics") or {}
    kernels = cal.get("int8Kernels") or {}
    ops = kernels.get("ops") or {}
    model_bytes = os.path.getsize(os.path.join(d, "calibration", "model.int8.onnx"))
    fp32_path = (cal.get("model") or {}).get("path", "")
    fp32_path = fp32_path[len("file:"):] if fp32_path.startswith("file:") else fp32_path
    fp32_bytes = os.path.getsize(fp32_path) if os.path.exists(fp32_path) else None
    return {"chosen": cal.get("chosen"), "sqnr": out0.get("sqnrDb"), "value": chosen.get("value"),
            "metric": (val.get("gate") or {}).get("metric"),
            "agreement": metrics.get("agreement"),
            "int8": sum(ops.values()), "quantized": kernels.get("quantizedNodes"),
            "ops": ", ".join(f"{k} {v}" for k, v in sorted(ops.items())) or "none",
            "bytes": model_bytes, "fp32": fp32_bytes}


def fmt(x, digits=1):
    return "-" if x is None else f"{x:.{digits}f}"


def main():
    out = sys.argv[1]
    names = sorted((n for n in os.listdir(out) if os.path.isdir(os.path.join(out, n, "u8"))),
                   key=lambda n: (n not in ("cnn", "residual", "mlp"), n))
    print("| model | types | exported | output SQNR dB | vs u8 dB | metric | agreement % |"
          " integer kernels / quantized nodes | model bytes (FP32) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name in names:
        base = run(out, name, "u8")
        for v in VARIANTS:
            if not os.path.isdir(os.path.join(out, name, v)):
                continue
            r = run(out, name, v)
            if r is None:
                err = os.path.join(out, name, v, "calibrate.err")
                last = ""
                if os.path.exists(err):
                    lines = [l for l in open(err) if l.startswith("qcal:")]
                    last = lines[-1].strip() if lines else ""
                print(f"| {name} | {LABELS[v]} | no result: {last} | | | | | | |")
                continue
            gain = None if base is None or r["sqnr"] is None or base["sqnr"] is None \
                else r["sqnr"] - base["sqnr"]
            print("| " + " | ".join([
                name, LABELS[v], r["chosen"] or "-", fmt(r["sqnr"]),
                "" if v == "u8" else fmt(gain),
                f"{r['metric'] or '-'} {fmt(r['value'], 2)}", fmt(r["agreement"]),
                f"{r['int8']}/{r['quantized']} ({r['ops']})",
                f"{r['bytes']:,} ({r['fp32']:,})" if r["fp32"] else f"{r['bytes']:,}"]) + " |")


if __name__ == "__main__":
    main()
