#!/usr/bin/env bash
# qcal's statistics kernels against PyTorch's observers on the same activation tensors, one
# core (issue 13, "Targets"; results in docs/BENCHMARKS.md). In one run: dump the tensors once
# (observers/dump_activations.py), time MinMaxObserver and HistogramObserver on them
# (observers/time_observers.py), then qcal's minmax and all-methods statistics
# (ObserversBenchmark, JMH), and print the table (observers/table.py).
#   benchmarks/observers-bench.sh [OUT_DIR]
# OUT_DIR (default target-obs/observers) holds the tensors and the raw results; nothing there
# is committed. Needs Debian's python3-torch, python3-torchvision, python3-numpy and
# dataset-fashion-mnist; Maven flags (for example -o) in QCAL_MVN_FLAGS.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
here="$root/benchmarks/observers"
out=$(mkdir -p "${1:-$root/target-obs/observers}" && cd "${1:-$root/target-obs/observers}" && pwd)
python=/usr/bin/python3  # Debian's, where python3-torch is installed

cd "$root"
# shellcheck disable=SC2086
mvn -q -B -ntp ${QCAL_MVN_FLAGS:-} -Dqcal.target.suffix=-obs -pl benchmarks -am package \
  -DskipTests

echo "== dump ($(uptime))"
"$python" "$here/dump_activations.py" "$out/tensors"
tensors=$(tail -n +2 "$out/tensors/manifest.tsv" | cut -f1 | paste -sd, -)

echo "== PyTorch observers, 1 thread ($(uptime))"
"$python" "$here/time_observers.py" "$out/tensors" "$out/observers.tsv"

echo "== qcal, 1 thread ($(uptime))"
# Sample mode: every call is timed, so the table can take the fastest call and the median.
java --add-modules=jdk.incubator.vector -jar benchmarks/target-obs/qcal-benchmarks.jar \
  ObserversBenchmark -bm sample -f 1 -t 1 -wi 3 -i 5 -w 1s -r 1s \
  -p dir="$out/tensors" -p tensor="$tensors" -rf json -rff "$out/qcal.json"

echo "== table ($(uptime))"
"$python" "$here/table.py" "$out/observers.tsv" "$out/qcal.json" | tee "$out/table.md"
