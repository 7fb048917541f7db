#!/usr/bin/env bash
# The kernel warm-up benchmark (see docs/BENCHMARKS.md, "Kernel warm-up"): bin/qcal calibrate in
# fresh JVMs with the kernels qcal picks against the vector kernels from the first call and the
# scalar kernels alone.
#   benchmarks/coldstart-bench.sh ROWS ROUNDS MODEL...
#   e.g. benchmarks/coldstart-bench.sh 100000 3 mlp.onnx cnn.onnx
# Data under /tmp/qcal-coldstart-bench, written once per row count.
exec "$(dirname "${BASH_SOURCE[0]}")/run-main.sh" -bench test-compile \
  org.qcal.bench.ColdStartBenchmark -Xmx2g -- "$@"
