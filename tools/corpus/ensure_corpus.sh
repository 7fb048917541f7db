#!/usr/bin/env bash
# Makes the model corpus in OUT_DIR (default target/corpus) unless it is already there: the one
# place that generates it, for the tests of both modules and for run_corpus.sh. SCRIPT (default
# make_corpus.py) is the generator in tools/corpus; opset_models.py makes the opset corpus.
#
#   tools/corpus/ensure_corpus.sh [OUT_DIR] [SCRIPT]
#
# One generation at a time: an exclusive flock(1) on OUT_DIR's sibling .NAME.lock, so builds
# or test JVMs that start together wait for the first one and then find its manifest.
# make_corpus.py writes manifest.json last, so a folder without it is unfinished and is made
# again. Exit codes: 0 the corpus is there; 69 it is missing and cannot be made here (no
# /usr/bin/python3 with torch, onnx and numpy, or no Fashion-MNIST); any other
# code is the generator's own failure.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:-$root/target/corpus}
script=${2:-make_corpus.py}
py=/usr/bin/python3
fmnist=/usr/share/datasets/fashion-mnist

mkdir -p "$(dirname "$out")" || exit 1
exec 9>"$(dirname "$out")/.$(basename "$out").lock" || exit 1
flock 9 || exit 1
[ -f "$out/manifest.json" ] && exit 0

if ! [ -x "$py" ] || ! "$py" -c "import torch, onnx, numpy" 2>/dev/null; then
  echo "ensure_corpus: $py cannot import torch, onnx and numpy" \
    "(apt-get install python3-torch python3-onnx python3-numpy)" >&2
  exit 69
fi
if [ "$script" = make_corpus.py ] && ! [ -d "$fmnist" ]; then
  echo "ensure_corpus: no $fmnist (apt-get install dataset-fashion-mnist)" >&2
  exit 69
fi
echo "== building the corpus into $out"
"$py" "$root/tools/corpus/$script" "$out"
