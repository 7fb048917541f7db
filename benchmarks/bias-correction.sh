#!/usr/bin/env bash
# Bias correction (issue 14; docs/BENCHMARKS.md, "Bias correction"): for each model, `calibrate`
# with default options, once without and once with --bias-correction, on the same calibration
# rows; then `validate --calibration` of each folder on the held-out rows (every method's export,
# rebuilt with the stored shifts). Models: the shipped cnn, residual and mlp (slice rows 0..999
# calibrate, 1000..1999 held out, as benchmarks/ptq-compare.sh) and the corpus models of the
# manifest (its calibration and held-out files and arguments).
#
#   benchmarks/bias-correction.sh [OUT_DIR] [CORPUS_DIR] [MODEL_NAME_REGEX]
#
# OUT_DIR (default target/bias-correction) receives rows/, NAME/{off,on}/{calibration,validation}
# with each command's stdout, stderr and exit code, and table.md (benchmarks/biascorr/table.py).
# Needs Debian's python3-numpy (the rows) and a corpus (tools/corpus/ensure_corpus.sh builds it).
# One heavy process at a time. Environment: QCAL_JAVA_OPTS as for bin/qcal.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-$root/target/bias-correction}
corpus=${2:-$root/target/corpus}
only=${3:-}
py=/usr/bin/python3

"$root/tools/corpus/ensure_corpus.sh" "$corpus"
mkdir -p "$out"
out=$(cd "$out" && pwd) corpus=$(cd "$corpus" && pwd)
[ -f "$out/rows/slice_heldout.jsonl" ] || "$py" "$root/benchmarks/ptq/make_rows.py" "$out/rows"

# run DIR STEP ARGS...: bin/qcal with its output and exit code kept in DIR.
run() {
  local dir=$1 step=$2; shift 2
  local rc=0
  "$root/bin/qcal" "$@" >"$dir/$step.out" 2>"$dir/$step.err" || rc=$?
  echo "$rc" >"$dir/$step.rc"
  grep -h '^qcal:' "$dir/$step.err" | tail -1 || true
}

while IFS='|' read -r name model calib heldout qargs vargs; do
  [ -n "$only" ] && [[ ! "$name" =~ $only ]] && continue
  for mode in off on; do
    dir=$out/$name/$mode
    rm -rf "$dir"
    mkdir -p "$dir"
    flag=$([ "$mode" = on ] && echo --bias-correction || true)
    echo "== $name, bias correction $mode: calibrate"
    # shellcheck disable=SC2086
    run "$dir" calibrate calibrate --model "$model" --data "$calib" --out "$dir/calibration" \
      $qargs $flag
    [ "$(cat "$dir/calibrate.rc")" = 0 ] || continue
    echo "== $name, bias correction $mode: validate"
    # shellcheck disable=SC2086
    run "$dir" validate validate --model "$model" --calibration "$dir/calibration" \
      --data "$heldout" --out "$dir/validation" $qargs $vargs
  done
done < <("$py" "$root/benchmarks/biascorr/models.py" "$out/rows" "$corpus")

"$py" "$root/benchmarks/biascorr/table.py" "$out" | tee "$out/table.md"
