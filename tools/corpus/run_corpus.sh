#!/usr/bin/env bash
# Runs qcal over the model corpus: for each model of manifest.json, `bin/qcal calibrate` with
# default options on the calibration rows, then `bin/qcal validate` of the calibrated methods on
# the held-out rows; writes the outcome of each run into OUT/results.md (and results.json).
#
#   tools/corpus/run_corpus.sh [OUT_DIR] [MODEL_NAME_REGEX]
#
# OUT_DIR defaults to target/corpus; the corpus is built there first when its manifest is
# missing (tools/corpus/ensure_corpus.sh: make_corpus.py, needs Debian's python3-torch and
# python3-onnx).
# Each run's stdout/stderr, exit code and seconds land in OUT/runs/MODEL/{calibrate,validate}.*
# Environment: QCAL_JAVA_OPTS as for bin/qcal.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:-$root/target/corpus}
only=${2:-}
py=/usr/bin/python3

"$root/tools/corpus/ensure_corpus.sh" "$out" || exit 1
out=$(cd "$out" && pwd)

# One line per model: name, model, calib data, held-out data, qcal args, validate args, split
# by '|' (a tab is IFS white space: read would merge the tabs around an empty field).
models=$("$py" - "$out/manifest.json" <<'PY'
import json, sys
for e in json.load(open(sys.argv[1]))["models"]:
    print("|".join([e["name"], e["file"], e["calib_data"], e["heldout_data"],
                     " ".join(e["qcal_args"]), " ".join(e["validate_args"])]))
PY
)

# run STEP DIR ARGS...: runs bin/qcal, records exit code, seconds and output.
run() {
  local step=$1 dir=$2; shift 2
  local start end
  start=$(date +%s.%N)
  "$root/bin/qcal" "$@" >"$dir/$step.out" 2>"$dir/$step.err"
  echo $? >"$dir/$step.rc"
  end=$(date +%s.%N)
  echo "$start $end" | awk '{printf "%.1f\n", $2 - $1}' >"$dir/$step.seconds"
}

while IFS='|' read -r name model calib heldout qargs vargs; do
  [ -n "$only" ] && [[ ! "$name" =~ $only ]] && continue
  dir=$out/runs/$name
  rm -rf "$dir"
  mkdir -p "$dir"
  echo "== $name: calibrate"
  # shellcheck disable=SC2086
  run calibrate "$dir" calibrate --model "$out/$model" --data "$out/$calib" \
    --out "$dir/calibration" $qargs
  echo "   exit $(cat "$dir/calibrate.rc") in $(cat "$dir/calibrate.seconds") s"
  if [ "$(cat "$dir/calibrate.rc")" = 0 ]; then
    echo "== $name: validate"
    # shellcheck disable=SC2086
    run validate "$dir" validate --model "$out/$model" --calibration "$dir/calibration" \
      --data "$out/$heldout" --out "$dir/validation" $qargs $vargs
    echo "   exit $(cat "$dir/validate.rc") in $(cat "$dir/validate.seconds") s"
  fi
done <<<"$models"

"$py" "$root/tools/corpus/results_table.py" "$out"
