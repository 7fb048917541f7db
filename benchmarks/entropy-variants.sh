#!/usr/bin/env bash
# Issue 14, "what the symmetric and the unsigned-target entropy variants should do": the data
# before any change. `qcal tune` with the defaults on the shipped models (their slice, as
# calibration and validation rows) and on the labelled corpus classifiers and the BERT encoder
# (calibration rows, held-out rows); prints every candidate's held-out output SQNR and top-1,
# the entropy ones beside the best of the others.
#   benchmarks/entropy-variants.sh [OUT_DIR]   (needs target/corpus)
set -uo pipefail
# shellcheck source=benchmarks/quality-paths.sh
. "$(dirname "${BASH_SOURCE[0]}")/quality-paths.sh"
tune() {
  local name=$1
  shift
  "$root/bin/qcal" tune --out "$out/$name" --overwrite "$@" >"$out/$name.log" 2>&1
  local code=$?
  [ "$code" = 0 ] || [ "$code" = 3 ] || { echo "tune $name: exit $code" >&2; exit 1; }
}
for n in residual cnn mlp; do
  tune "$n" --model "$models/$n.onnx" --calib-data "$slice" --val-data "$slice" --label label
done
for n in mobilenetv3_op17_init vit_op17_init tinycnn_b1_op13_init; do
  tune "$n" --model "$corpus/models/$n.onnx" --calib-data "$corpus/data/fmnist_calib.jsonl" \
    --val-data "$corpus/data/fmnist_heldout.jsonl" --input input=input --label label
done
tune bert_op17_layernorm --model "$corpus/models/bert_op17_layernorm.onnx" \
  --calib-data "$corpus/data/text_calib.jsonl" --val-data "$corpus/data/text_heldout.jsonl" \
  --input input_ids=input_ids --input attention_mask=attention_mask --metric sqnr
/usr/bin/python3 - "$out" <<'PY'
import json, os, sys
out = sys.argv[1]
print("| model | entropy-asym | entropy-sym | best other candidate |\n|---|---|---|---|")
for name in ["residual", "cnn", "mlp", "mobilenetv3_op17_init", "vit_op17_init",
             "tinycnn_b1_op13_init", "bert_op17_layernorm"]:
    v = json.load(open(os.path.join(out, name, "validation.json")))
    cell = {}
    for c in v["candidates"]:
        top1 = (c.get("metrics") or {}).get("top1")
        cell[c["name"]] = (c["outputs"][0]["sqnrDb"], f"{c['outputs'][0]['sqnrDb']:.2f}"
                           + (f" ({top1:.2f} %)" if top1 is not None else ""))
    others = max((v for k, v in cell.items() if not k.startswith("entropy")), key=lambda x: x[0])
    best = next(k for k, v in cell.items() if v == others)
    print(f"| {name} | {cell['entropy-asym'][1]} | {cell['entropy-sym'][1]} |"
          f" {best} {others[1]} |")
PY
