#!/usr/bin/env bash
# The cluster benchmark of issue 6 (see docs/BENCHMARKS.md): the same calibrate on a 2-worker
# Spark standalone cluster (separate JVMs on 127.0.0.1, SparkSubmit in client mode) and
# embedded in local[2], rows/s. It needs the application jar and the Spark home: package.
#   benchmarks/cluster-bench.sh [ROWS=20000] [ROUNDS=2]
exec "$(dirname "${BASH_SOURCE[0]}")/run-main.sh" -cbench package \
  org.qcal.bench.ClusterBenchmark -Xmx2g \
  -Dqcal.home=target-cbench/qcal-home -- "$@"
