#!/usr/bin/env bash
# Quantization types (issue 14; docs/BENCHMARKS.md, "Types"): for each model, `calibrate` once per
# type variant on the same calibration rows, then `validate --calibration` on the held-out rows.
# Variants: u8 (the defaults: uint8 activations, int8 weights), u16 (--activation-type uint16),
# w4 (--weight-type int4), w4u (--weight-type uint4), u16w4 (both). Every run uses
# --methods minmax,mse --choose auto. Models: the shipped cnn, residual and mlp (slice rows 0..999
# calibrate, 1000..1999 held out, as benchmarks/ptq-compare.sh) and the corpus models of the
# manifest, filtered by MODEL_NAME_REGEX.
#
#   benchmarks/types.sh [OUT_DIR] [CORPUS_DIR] [MODEL_NAME_REGEX] [VARIANT_REGEX]
#
# OUT_DIR (default target/types) receives rows/, NAME/VARIANT/{calibration,validation} with each
# command's stdout, stderr and exit code, and table.md (benchmarks/types/table.py).
# Needs Debian's python3-numpy (the rows) and a corpus (tools/corpus/ensure_corpus.sh builds it).
# One heavy process at a time. Environment: QCAL_JAVA_OPTS as for bin/qcal.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-$root/target/types}
corpus=${2:-$root/target/corpus}
only=${3:-}
variants_only=${4:-}
py=/usr/bin/python3

"$root/tools/corpus/ensure_corpus.sh" "$corpus"
mkdir -p "$out"
out=$(cd "$out" && pwd) corpus=$(cd "$corpus" && pwd)
[ -f "$out/rows/slice_heldout.jsonl" ] || "$py" "$root/benchmarks/ptq/make_rows.py" "$out/rows"

# variant name -> calibrate flags
declare -A flags=(
  [u8]=""
  [u16]="--activation-type uint16"
  [w4]="--weight-type int4"
  [w4u]="--weight-type uint4"
  [u16w4]="--activation-type uint16 --weight-type int4"
)
variants=(u8 u16 w4 w4u u16w4)

# shellcheck source=benchmarks/lib/variant-runs.sh
. "$root/benchmarks/lib/variant-runs.sh"

while IFS='|' read -r name model calib heldout qargs vargs; do
  [ -n "$only" ] && [[ ! "$name" =~ $only ]] && continue
  for v in "${variants[@]}"; do
    [ -n "$variants_only" ] && [[ ! "$v" =~ $variants_only ]] && continue
    # shellcheck disable=SC2086
    calibrate_and_validate "$out/$name/$v" "$name, $v" "$model" "$calib" "$heldout" \
      "$qargs" "$vargs" --methods minmax,mse --choose auto ${flags[$v]}
  done
done < <("$py" "$root/benchmarks/biascorr/models.py" "$out/rows" "$corpus")

"$py" "$root/benchmarks/types/table.py" "$out" | tee "$out/table.md"
