#!/usr/bin/python3
"""Turns the runs of tools/corpus/run_corpus.sh into OUT/results.md and OUT/results.json.

Two tables. Per model: how it was exported (weights style, opset), calibrate's exit code and
`qcal:` line, tensors tapped, weights quantized, quantized nodes ONNX Runtime runs as int8
and those it left float (calibration.json `int8Kernels`), pass-1 throughput, the gate metric
validate chose, and the best method by output SQNR with its SQNR and gate value. Per method:
the output SQNR of every method's export on the held-out rows, and how far the default
(`--choose`, read from calibration.json) is from the best."""

import json
import os
import re
import sys

METHODS = ["minmax", "percentile", "entropy", "mse"]


def read(path, default=""):
    try:
        with open(path) as f:
            return f.read().strip()
    except FileNotFoundError:
        return default


def qcal_message(err):
    """The last line qcal printed for the user (`qcal: ...`), without the prefix."""
    lines = [ln for ln in err.splitlines() if ln.startswith("qcal:")]
    return lines[-1][len("qcal:"):].strip() if lines else ""


def step(run_dir, name):
    rc = read(os.path.join(run_dir, name + ".rc"), None)
    if rc is None:
        return None
    err = read(os.path.join(run_dir, name + ".err"))
    rate = re.search(r"pass 1 \(statistics\): \d+ rows, .*\((\d+) rows/s\)", err)
    return {"exit": int(rc), "seconds": float(read(os.path.join(run_dir, name + ".seconds"), "0")),
            "message": qcal_message(err) if int(rc) != 0 else "",
            "pass1RowsPerSecond": int(rate.group(1)) if rate else None}


def calibration(run_dir):
    text = read(os.path.join(run_dir, "calibration", "calibration.json"), None)
    if text is None:
        return None
    c = json.loads(text)
    kernels = c.get("int8Kernels") or {}
    return {"tensors": len(c.get("tensors", [])), "weights": len(c.get("weights", [])),
            "chosen": c.get("chosen"),
            "quantizedNodes": kernels.get("quantizedNodes"),
            "int8Nodes": sum((kernels.get("ops") or {}).values()) if kernels else None,
            "leftFloat": kernels.get("leftFloat")}


def validation(run_dir):
    text = read(os.path.join(run_dir, "validation", "validation.json"), None)
    if text is None:
        return None
    v = json.loads(text)
    by_method = {}
    for c in v.get("candidates", []):
        out = c["outputs"][0] if c.get("outputs") else {}
        by_method[c["name"]] = {"sqnrDb": out.get("sqnrDb"), "value": c.get("value"),
                                "top1": (c.get("metrics") or {}).get("top1")}
    return {"metric": v.get("gate", {}).get("metric"), "samples": v.get("samples"),
            "fp32Top1": v.get("reference", {}).get("top1"), "methods": by_method}


def fmt(x, digits=1):
    return "-" if x is None else f"{x:.{digits}f}"


def best_by_sqnr(methods):
    scored = [(m, r["sqnrDb"]) for m, r in methods.items() if r["sqnrDb"] is not None]
    return max(scored, key=lambda x: x[1]) if scored else (None, None)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "target/corpus"
    manifest = json.load(open(os.path.join(out, "manifest.json")))
    rows = []
    for e in manifest["models"]:
        run_dir = os.path.join(out, "runs", e["name"])
        rows.append({"name": e["name"], "weights": e["weights"], "opset": e["opset"],
                     "calibrate": step(run_dir, "calibrate"),
                     "calibration": calibration(run_dir),
                     "validate": step(run_dir, "validate"), "validation": validation(run_dir)})
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump(rows, f, indent=1)

    lines = ["| model | weights | opset | calibrate | tapped | weights quantized "
             "| int8 nodes (ORT) | left float | pass 1 rows/s | metric | best method "
             "| output SQNR dB | metric value |",
             "|---|---|---:|---|---:|---:|---:|---|---:|---|---|---:|---:|"]
    for r in rows:
        c, cal, val = r["calibrate"], r["calibration"] or {}, r["validation"] or {}
        status = "-" if c is None else ("0" if c["exit"] == 0 else
                                        f"{c['exit']}: {c['message'][:160]}".replace("|", "\\|"))
        v = r["validate"]
        if v is not None and v["exit"] not in (0, 3):
            status += f"; validate {v['exit']}: {v['message'][:160]}".replace("|", "\\|")
        best, sqnr = best_by_sqnr(val.get("methods", {}))
        value = val.get("methods", {}).get(best, {}).get("value") if best else None
        kernels = "-" if cal.get("quantizedNodes") is None else \
            f"{cal['quantizedNodes'] - len(cal['leftFloat'])} of {cal['quantizedNodes']}"
        left = cal.get("leftFloat")
        lines.append("| " + " | ".join([
            r["name"], r["weights"], str(r["opset"]), status,
            str(cal.get("tensors", "-")), str(cal.get("weights", "-")), kernels,
            "-" if left is None else (", ".join(left) if left else "none"),
            "-" if c is None or c["pass1RowsPerSecond"] is None else str(c["pass1RowsPerSecond"]),
            val.get("metric") or "-", best or "-", fmt(sqnr), fmt(value)]) + " |")
    ok = sum(1 for r in rows if r["calibrate"] and r["calibrate"]["exit"] == 0)
    lines += ["", f"calibrate exit 0: {ok} of {len(rows)} models", "",
              "Output SQNR (dB) of each method's export on the held-out rows; the default is "
              "the method calibrate exported (`--choose`).", "",
              "| model | " + " | ".join(METHODS) + " | default | default's shortfall dB |",
              "|---|" + "---:|" * len(METHODS) + "---|---:|"]
    for r in rows:
        methods = (r["validation"] or {}).get("methods", {})
        if not methods:
            continue
        _, best = best_by_sqnr(methods)
        chosen = (r["calibration"] or {}).get("chosen")
        own = methods.get(chosen, {}).get("sqnrDb")
        lines.append("| " + " | ".join([r["name"]] + [
            fmt(methods.get(m, {}).get("sqnrDb")) for m in METHODS] + [
            chosen or "-", fmt(None if own is None or best is None else best - own)]) + " |")
    with open(os.path.join(out, "results.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
