#!/usr/bin/env bash
# The calibrate benchmark of issue 4 (see docs/BENCHMARKS.md): plain FP32 inference vs calibrate
# (minmax only, all methods) on the shipped models, peak heap, local[1] vs local[2].
#   benchmarks/calibrate-bench.sh [ROWS=100000] [ROUNDS=2] [SCALING_ROWS=ROWS] [memory]
exec "$(dirname "${BASH_SOURCE[0]}")/run-main.sh" -bench test-compile \
  org.qcal.bench.CalibrateBenchmark -Xmx8g -- "$@"
