#!/usr/bin/env bash
# The Spark ML transform benchmark of issue 12 (see docs/BENCHMARKS.md, "Spark ML transform"):
# QuantizedOnnxModel.transform rows/s on the shipped CNN, int8 vs FP32, and one ONNX Runtime
# session per JVM (qcal) vs one per partition (as SynapseML's ONNXModel), local[2].
#   benchmarks/transform-bench.sh [ROWS=40000] [PARTITIONS=8,128] [ROUNDS=3]
#   benchmarks/transform-bench.sh short      (8000 rows, partitions 4,64, 2 rounds)
exec "$(dirname "${BASH_SOURCE[0]}")/run-main.sh" -tbench test-compile \
  org.qcal.bench.TransformBenchmark -Xmx4g -- "$@"
