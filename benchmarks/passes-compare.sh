#!/usr/bin/env bash
# One pass against two (docs/BENCHMARKS.md, "One pass against two"): runs `qcal tune` on each
# shipped model with --passes 1 and --passes 2 over the same rows and prints, per candidate, top-1,
# agreement with FP32 and output SQNR both ways, and per tensor how far each method's one-pass
# range lies from the two-pass one, in bins of the wider grid.
#   benchmarks/passes-compare.sh [MODEL...]   (default: residual cnn mlp)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(residual cnn mlp)
slice=$root/jobs/src/test/resources/data/fashion-mnist-slice.parquet
out=$(mktemp -d)
for m in "${models[@]}"; do
  for p in 1 2; do
    code=0
    "$root/bin/qcal" tune --model "$root/quant-core/src/test/resources/models/$m.onnx" \
      --calib-data "$slice" --val-data "$slice" --label label --passes "$p" \
      --out "$out/$m-$p" >"$out/$m-$p.log" 2>&1 || code=$?
    [ "$code" = 0 ] || [ "$code" = 3 ] || { echo "tune $m --passes $p: exit $code" >&2; exit 1; }
  done
done
python3 - "$out" "${models[@]}" <<'PY'
import json, sys
out, models = sys.argv[1], sys.argv[2:]
load = lambda m, p, f: json.load(open(f"{out}/{m}-{p}/{f}"))
print("| model | candidate | top-1 1 pass | top-1 2 passes | agreement 1 | agreement 2 |"
      " output SQNR dB 1 | output SQNR dB 2 |\n|---|---|---|---|---|---|---|---|")
for m in models:
    rows = {}
    for p in "12":
        for c in load(m, p, "validation.json")["candidates"]:
            rows.setdefault(c["name"], {})[p] = c
    for name, c in rows.items():
        a, b = c["1"], c["2"]
        print(f"| {m} | {name} | {a['metrics']['top1']} | {b['metrics']['top1']} |"
              f" {a['metrics']['agreement']} | {b['metrics']['agreement']} |"
              f" {a['outputs'][0]['sqnrDb']:.2f} | {b['outputs'][0]['sqnrDb']:.2f} |")
print("\n| model | method | tensors | median distance, bins | max distance, bins |\n|---|---|---|---|---|")
for m in models:
    one, two = load(m, "1", "calibration.json"), load(m, "2", "calibration.json")
    dist = {}
    for a, b in zip(one["tensors"], two["tensors"]):
        w = max(a["histogram"]["binWidth"], b["histogram"]["binWidth"])
        for method, r in a["ranges"].items():
            s = b["ranges"][method]
            dist.setdefault(method, []).append(
                max(abs(r["min"] - s["min"]), abs(r["max"] - s["max"])) / w)
    for method, d in dist.items():
        d.sort()
        print(f"| {m} | {method} | {len(d)} | {d[len(d) // 2]:.2f} | {d[-1]:.2f} |")
PY
rm -rf "$out"
