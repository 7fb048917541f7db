#!/usr/bin/env bash
# The tap model benchmark of issue 13 (see docs/BENCHMARKS.md, "Tap model forward"): ONNX
# Runtime forwards of the plain model against its tap models, one intra-op thread, batch 64.
#   benchmarks/tap-bench.sh [ROUNDS=10] [FORWARDS=10] [MODEL.onnx...]
# TAP_BATCH (default 64) sets the rows per forward of models with a dynamic batch.
# Without models: the shipped residual CNN, CNN and MLP, and the corpus CNNs (two MobileNetV3
# variants, the U-Net with fixed H and W, the batch-1 CNN) from target/corpus when it holds them
# (tools/corpus/ensure_corpus.sh), else the same graphs untrained from benchmarks/corpus-cnns.py.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rounds=${1:-10} forwards=${2:-10}
shift $(( $# < 2 ? $# : 2 ))
models=("$@")
if [ ${#models[@]} -eq 0 ]; then
  for m in residual cnn mlp; do
    models+=("$root/quant-core/src/test/resources/models/$m.onnx")
  done
  corpus=$root/target/corpus/models
  if [ ! -f "$corpus/mobilenetv3_op17_init.onnx" ]; then
    corpus=$root/target/corpus-cnns
    /usr/bin/python3 "$root/benchmarks/corpus-cnns.py" "$corpus" >/dev/null
  fi
  for m in mobilenetv3_op17_init mobilenetv3_op11_constants segnet_op13_init_fixedhw \
      tinycnn_b1_op13_init; do
    models+=("$corpus/$m.onnx")
  done
fi
exec "$root/benchmarks/run-main.sh" -tbench-taps test-compile \
  org.qcal.bench.TapForwardBenchmark -Xmx2g -Dqcal.bench.batch="${TAP_BATCH:-64}" -- "$rounds" \
  "$forwards" "${models[@]}"
