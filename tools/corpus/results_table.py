#!/usr/bin/python3
"""Turns the runs of tools/corpus/run_corpus.sh into OUT/results.md and OUT/results.json.

Per model: calibrate's exit code, seconds and `qcal:` message; validate's exit code and, for
the default method (entropy) and the best candidate, the first output's SQNR and cosine, the
agreement with FP32 and top-1 (classifiers)."""

import json
import os
import sys

DEFAULT_METHOD = "entropy"


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


def candidate_summary(c):
    if c is None:
        return None
    out = c["outputs"][0] if c.get("outputs") else {}
    metrics = c.get("metrics", {})
    return {"name": c["name"], "sqnrDb": out.get("sqnrDb"), "cosine": out.get("cosine"),
            "agreement": metrics.get("agreement"), "top1": metrics.get("top1")}


def step(run_dir, name):
    rc = read(os.path.join(run_dir, name + ".rc"), None)
    if rc is None:
        return None
    return {"exit": int(rc), "seconds": float(read(os.path.join(run_dir, name + ".seconds"), "0")),
            "message": qcal_message(read(os.path.join(run_dir, name + ".err")))}


def calibration(run_dir):
    """How many tensors calibrate measured and how many weights it quantized."""
    text = read(os.path.join(run_dir, "calibration", "calibration.json"), None)
    if text is None:
        return None
    c = json.loads(text)
    return {"tensors": len(c.get("tensors", [])), "weights": len(c.get("weights", []))}


def validation(run_dir):
    text = read(os.path.join(run_dir, "validation", "validation.json"), None)
    if text is None:
        return None
    v = json.loads(text)
    candidates = v.get("candidates", [])
    default = next((c for c in candidates if c["name"].startswith(DEFAULT_METHOD)), None)
    return {"fp32_top1": v.get("reference", {}).get("top1"), "samples": v.get("samples"),
            "metric": v.get("gate", {}).get("metric"),
            "default": candidate_summary(default),
            "best": candidate_summary(candidates[0] if candidates else None)}


def fmt(x, digits=1):
    if x is None:
        return "-"
    if isinstance(x, str):
        return x
    return f"{x:.{digits}f}"


def cell(summary):
    if summary is None:
        return "-"
    parts = [f"SQNR {fmt(summary['sqnrDb'])} dB"]
    if summary["agreement"] is not None:
        parts.append(f"agree {fmt(summary['agreement'])}%")
    if summary["top1"] is not None:
        parts.append(f"top-1 {fmt(summary['top1'])}%")
    return f"{summary['name']}: " + ", ".join(parts)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "target/corpus"
    manifest = json.load(open(os.path.join(out, "manifest.json")))
    rows = []
    for e in manifest["models"]:
        run_dir = os.path.join(out, "runs", e["name"])
        rows.append({"name": e["name"], "bytes": e["bytes"],
                     "calibrate": step(run_dir, "calibrate"),
                     "calibration": calibration(run_dir),
                     "validate": step(run_dir, "validate"), "validation": validation(run_dir)})
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump(rows, f, indent=1)
    lines = ["| model | KiB | calibrate | s | tensors / weights | message | validate "
             "| FP32 top-1 | entropy | best |",
             "|---|---:|---:|---:|---:|---|---:|---:|---|---|"]
    for r in rows:
        c, v, val = r["calibrate"], r["validate"], r["validation"] or {}
        msg = (c or {}).get("message", "") or (v or {}).get("message", "")
        cal = r["calibration"]
        counts = "-" if cal is None else f"{cal['tensors']} / {cal['weights']}"
        lines.append("| " + " | ".join([
            r["name"], f"{r['bytes'] / 1024:.0f}",
            "-" if c is None else str(c["exit"]), "-" if c is None else fmt(c["seconds"]),
            counts, msg.replace("|", "\\|")[:300], "-" if v is None else str(v["exit"]),
            fmt(val.get("fp32_top1")), cell(val.get("default")), cell(val.get("best"))]) + " |")
    ok = sum(1 for r in rows if r["calibrate"] and r["calibrate"]["exit"] == 0)
    lines.append("")
    lines.append(f"calibrate exit 0: {ok} of {len(rows)} models")
    with open(os.path.join(out, "results.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
