#!/usr/bin/env bash
# The validate benchmark of issue 5 (see docs/BENCHMARKS.md, "Validation"): plain FP32 and int8
# inference vs validate with 1 and 4 candidates on the shipped CNN, local[2].
#   benchmarks/validate-bench.sh [ROWS=20000] [ROUNDS=3]
exec "$(dirname "${BASH_SOURCE[0]}")/run-main.sh" -vbench test-compile \
  org.qcal.bench.ValidateBenchmark -Xmx6g -- "$@"
