#!/usr/bin/env bash
# SmoothQuant (issue 14; docs/BENCHMARKS.md, "SmoothQuant"): for each corpus transformer,
# `calibrate` with default options, without and with --smooth-quant at each alpha, on the same
# calibration rows; then `validate --calibration` of each folder on the held-out rows (every
# method's export, rebuilt with the stored scales). The models and their files and arguments are
# the corpus manifest's (benchmarks/biascorr/models.py), those whose name matches the regex.
#
#   benchmarks/smoothquant.sh [OUT_DIR] [CORPUS_DIR] [MODEL_NAME_REGEX] [MODES]
#
# OUT_DIR (default target/smoothquant) receives NAME/{off,a0.5,...}/{calibration,validation} with
# each command's stdout, stderr and exit code, and table.md (benchmarks/smoothquant/table.py).
# MODEL_NAME_REGEX defaults to the transformers, ^(vit|bert)_; MODES, "off" and alphas, to
# "off 0.5" (a later run with "0.25 0.75" adds those alphas to the same table).
# Needs a corpus (tools/corpus/ensure_corpus.sh builds it). One heavy process at a time.
# Environment: QCAL_JAVA_OPTS as for bin/qcal.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-$root/target/smoothquant}
corpus=${2:-$root/target/corpus}
only=${3:-^(vit|bert)_}
modes=${4:-off 0.5}
py=/usr/bin/python3

"$root/tools/corpus/ensure_corpus.sh" "$corpus"
mkdir -p "$out"
out=$(cd "$out" && pwd) corpus=$(cd "$corpus" && pwd)

# shellcheck source=benchmarks/lib/variant-runs.sh
. "$root/benchmarks/lib/variant-runs.sh"

# bench NAME MODEL CALIB HELDOUT QARGS VARGS: every mode of one model.
bench() {
  local name=$1 model=$2 calib=$3 heldout=$4 qargs=$5 vargs=$6 mode flags
  [[ ! "$name" =~ $only ]] && return 0
  for mode in $(for m in $modes; do [ "$m" = off ] && echo off || echo "a$m"; done); do
    flags=$([ "$mode" = off ] || echo "--smooth-quant --smooth-quant-alpha ${mode#a}")
    # shellcheck disable=SC2086
    calibrate_and_validate "$out/$name/$mode" "$name, SmoothQuant $mode" "$model" "$calib" \
      "$heldout" "$qargs" "$vargs" $flags
  done
}

# The shipped models' rows are not needed: models.py only names their files.
while IFS='|' read -r name model calib heldout qargs vargs; do
  bench "$name" "$model" "$calib" "$heldout" "$qargs" "$vargs"
  if [ "$name" = vit_op17_init ]; then
    # The same ViT with 20x outlier channels in its LayerNorm outputs and the same FP32
    # function (benchmarks/smoothquant/outliers.py): what SmoothQuant is for.
    mkdir -p "$out/models"
    "$py" "$root/benchmarks/smoothquant/outliers.py" "$model" \
      "$out/models/vit_op17_init_outliers.onnx" 20 3
    bench vit_op17_init_outliers "$out/models/vit_op17_init_outliers.onnx" "$calib" "$heldout" \
      "$qargs" "$vargs"
  fi
done < <("$py" "$root/benchmarks/biascorr/models.py" "$out/rows" "$corpus")

"$py" "$root/benchmarks/smoothquant/table.py" "$out" | tee "$out/table.md"
