#!/usr/bin/env bash
# qcal `tune` with default options against PyTorch's eager PTQ with its default qconfig, on the
# same models, calibration rows and held-out rows (issue 14; docs/BENCHMARKS.md, "Against
# PyTorch's eager PTQ"). Models: the shipped residual CNN and cnn (slice rows 0..999 calibrate,
# 1000..1999 held out) and one variant per corpus classifier family (the manifest's files).
#
#   benchmarks/ptq-compare.sh [OUT_DIR] [CORPUS_DIR]
#
# OUT_DIR (default target/ptq) receives rows/ (the slice rows as JSON lines), pytorch.json
# (benchmarks/ptq/eager_ptq.py), qcal/NAME/ (each tune's outputs in out/, calibrate's in
# calibrate/, their stdout, stderr and tune's exit code)
# and table.md (benchmarks/ptq/table.py). CORPUS_DIR defaults to target/corpus and is built
# when its manifest is missing (tools/corpus/ensure_corpus.sh). Needs Debian's python3-torch,
# python3-onnx and dataset-fashion-mnist. One heavy process at a time: PyTorch first, then
# each tune in turn. Environment: QCAL_JAVA_OPTS as for bin/qcal.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-$root/target/ptq}
corpus=${2:-$root/target/corpus}
py=/usr/bin/python3

"$root/tools/corpus/ensure_corpus.sh" "$corpus"
mkdir -p "$out"
out=$(cd "$out" && pwd) corpus=$(cd "$corpus" && pwd)

echo "== rows: slice 0..999 calibrate, 1000..1999 held out"
"$py" "$root/benchmarks/ptq/make_rows.py" "$out/rows"

echo "== PyTorch eager PTQ (default qconfig)"
"$py" "$root/benchmarks/ptq/eager_ptq.py" "$out/rows" "$corpus" "$out/pytorch.json"

while IFS='|' read -r name model calib heldout qargs; do
  dir=$out/qcal/$name
  rm -rf "$dir"
  mkdir -p "$dir"
  echo "== qcal tune: $name"
  rc=0
  # shellcheck disable=SC2086
  "$root/bin/qcal" tune --model "$model" --calib-data "$calib" --val-data "$heldout" \
    --label label --out "$dir/out" $qargs >"$dir/tune.out" 2>"$dir/tune.err" || rc=$?
  echo "$rc" >"$dir/tune.rc"
  # Exit code 3 is a tune that found no candidate within its budget: still a result to report.
  grep -h '^qcal:' "$dir/tune.out" "$dir/tune.err" || true
  [ "$rc" = 0 ] || [ "$rc" = 3 ] || { echo "qcal tune failed on $name (exit $rc)" >&2; exit 1; }
  # tune picks its winner on the held-out rows it is measured on; calibrate's default choice
  # (--choose auto) sees the calibration rows only: the table looks its export up among tune's
  # candidates (same sha256) for a measurement free of that selection.
  echo "== qcal calibrate: $name"
  # shellcheck disable=SC2086
  "$root/bin/qcal" calibrate --model "$model" --data "$calib" --out "$dir/calibrate" $qargs \
    >"$dir/calibrate.out" 2>"$dir/calibrate.err"
  grep -h '^qcal:' "$dir/calibrate.out" "$dir/calibrate.err" || true
done < <("$py" "$root/benchmarks/ptq/comparison.py" "$out/rows" "$corpus")

"$py" "$root/benchmarks/ptq/table.py" "$out" | tee "$out/table.md"
