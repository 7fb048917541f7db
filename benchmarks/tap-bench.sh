#!/usr/bin/env bash
# The tap model benchmark of issue 13 (see docs/BENCHMARKS.md, "Tap model forward"): ONNX
# Runtime forwards of the plain model against its tap models, one intra-op thread, batch 64.
#   benchmarks/tap-bench.sh [ROUNDS=10] [FORWARDS=10] [MODEL.onnx...]
# Without models: the shipped residual CNN, CNN and MLP, and the corpus CNNs (mobilenetv3,
# segnet with fixed H and W, tinycnn) when target/corpus holds them (tools/corpus/ensure_corpus.sh
# makes it).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rounds=${1:-10} forwards=${2:-10}
shift $(( $# < 2 ? $# : 2 ))
models=("$@")
if [ ${#models[@]} -eq 0 ]; then
  for m in residual cnn mlp; do
    models+=("$root/quant-core/src/test/resources/models/$m.onnx")
  done
  for m in mobilenetv3_op17_init mobilenetv3_op11_constants segnet_op13_init_fixedhw \
      tinycnn_b1_op13_init; do
    [ -f "$root/target/corpus/models/$m.onnx" ] && models+=("$root/target/corpus/models/$m.onnx")
  done
fi
exec "$root/benchmarks/run-main.sh" -tbench-taps test-compile \
  org.qcal.bench.TapForwardBenchmark -Xmx2g -- "$rounds" "$forwards" "${models[@]}"
