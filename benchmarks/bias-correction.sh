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

# shellcheck source=benchmarks/lib/variant-runs.sh
. "$root/benchmarks/lib/variant-runs.sh"

while IFS='|' read -r name model calib heldout qargs vargs; do
  [ -n "$only" ] && [[ ! "$name" =~ $only ]] && continue
  calibrate_and_validate "$out/$name/off" "$name, bias correction off" "$model" "$calib" \
    "$heldout" "$qargs" "$vargs"
  calibrate_and_validate "$out/$name/on" "$name, bias correction on" "$model" "$calib" \
    "$heldout" "$qargs" "$vargs" --bias-correction
done < <("$py" "$root/benchmarks/biascorr/models.py" "$out/rows" "$corpus")

"$py" "$root/benchmarks/biascorr/table.py" "$out" | tee "$out/table.md"
