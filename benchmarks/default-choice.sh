#!/usr/bin/env bash
# The default-choice table (docs/BENCHMARKS.md, "Which method calibrate exports"; issue 14):
# for each shipped model and one variant of each corpus family, `qcal calibrate` with the
# defaults (every method; --choose auto picks the export), then `qcal validate --calibration` of
# every method's export on held-out rows (the shipped models: their one slice); prints, per
# model and method, the output SQNR and top-1 (labelled models), auto's pick, and per method
# the mean SQNR and how often it collapses (output SQNR more than 10 dB below the model's best).
#   benchmarks/default-choice.sh [OUT_DIR]   (needs target/corpus: tools/corpus/ensure_corpus.sh)
set -euo pipefail
# shellcheck source=benchmarks/quality-paths.sh
. "$(dirname "${BASH_SOURCE[0]}")/quality-paths.sh"
qcal() { "$root/bin/qcal" "$@"; }
# run NAME MODEL CALIB HELDOUT [ARGS... -- VALIDATE_ARGS...]
run() {
  local name=$1 model=$2 calib=$3 heldout=$4
  shift 4
  local args=() vargs=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do args+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  vargs=("$@")
  echo "== $name" >&2
  qcal calibrate --model "$model" --data "$calib" --out "$out/$name/calibration" --overwrite \
    ${args[@]+"${args[@]}"} >"$out/$name.calibrate.log" 2>&1
  code=0
  qcal validate --model "$model" --calibration "$out/$name/calibration" --data "$heldout" \
    --out "$out/$name/validation" --overwrite ${args[@]+"${args[@]}"} \
    ${vargs[@]+"${vargs[@]}"} >"$out/$name.validate.log" 2>&1 || code=$?
  [ "$code" = 0 ] || [ "$code" = 3 ] || { echo "validate $name: exit $code" >&2; exit 1; }
}
for m in cnn residual mlp; do
  run "$m" "$models/$m.onnx" "$slice" "$slice" -- --label label
done
while IFS='|' read -r name file calib heldout qargs vargs; do
  # shellcheck disable=SC2086
  run "$name" "$corpus/$file" "$corpus/$calib" "$corpus/$heldout" $qargs -- $vargs
done < <(/usr/bin/python3 - "$corpus/manifest.json" <<'PY'
import json, sys
wanted = ["mobilenetv3_op17_init", "vit_op17_init", "tinycnn_b1_op13_init", "bert_op17_layernorm",
          "segnet_op13_init_fixedhw", "crnn_op14_init_gru"]
for e in json.load(open(sys.argv[1]))["models"]:
    if e["name"] in wanted:
        print("|".join([e["name"], e["file"], e["calib_data"], e["heldout_data"],
                        " ".join(e["qcal_args"]), " ".join(e["validate_args"])]))
PY
)
/usr/bin/python3 "$root/benchmarks/default_choice_table.py" "$out"
