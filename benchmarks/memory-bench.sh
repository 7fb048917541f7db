#!/usr/bin/env bash
# The memory benchmark of issue 13 (see docs/BENCHMARKS.md, "Executor memory"): the peak live
# heap of calibrate at each row count, same model and methods, with the class histogram at each
# peak.
#   benchmarks/memory-bench.sh MODEL METHODS ROWS_PER_FILE ROWS...
#   e.g. benchmarks/memory-bench.sh cnn.onnx minmax 5000 10000 100000 1000000
# ROWS_PER_FILE: the Parquet layout of every count (0: 8 files at every count).
# METHODS: minmax, all, or a comma list. Data under $QCAL_BENCH_DATA (default
# /tmp/qcal-memory-bench), written once per row count.
exec "$(dirname "${BASH_SOURCE[0]}")/run-main.sh" -bench test-compile \
  org.qcal.bench.MemoryBenchmark -Xmx8g -- "$@"
