#!/usr/bin/env bash
# The calibrate benchmark of issue 4 (see docs/BENCHMARKS.md): plain FP32 inference vs calibrate
# (minmax only, all methods) on the shipped models, peak heap, local[1] vs local[2].
#   benchmarks/calibrate-bench.sh [ROWS=100000] [ROUNDS=2]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
mvn -q -B -ntp -Dqcal.target.suffix=-bench -pl jobs -am test-compile \
  dependency:build-classpath -Dmdep.outputFile=target-bench-cp.txt -Dmdep.includeScope=test
opens=$(mvn -q -B -ntp help:evaluate -Dexpression=spark.jvm.opens -DforceStdout -N | sed "s/\x1b\[[0-9;]*m//g")
cd jobs
# shellcheck disable=SC2086
exec java --add-modules=jdk.incubator.vector $opens -Xmx8g \
  -Dlog4j2.configurationFile="$root/conf/log4j2.properties" \
  -cp "target-bench/test-classes:target-bench/classes:../quant-core/target-bench/classes:$(cat target-bench-cp.txt)" \
  org.qcal.jobs.CalibrateBenchmark "$@"
