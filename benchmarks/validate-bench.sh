#!/usr/bin/env bash
# The validate benchmark of issue 5 (see docs/BENCHMARKS.md, "Validation"): plain FP32 and int8
# inference vs validate with 1 and 4 candidates on the shipped CNN, local[2].
#   benchmarks/validate-bench.sh [ROWS=20000] [ROUNDS=3]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
mvn -q -B -ntp -Dqcal.target.suffix=-vbench -pl jobs -am test-compile \
  dependency:build-classpath -Dmdep.outputFile=target-vbench/classpath.txt -Dmdep.includeScope=test
opens=$(mvn -q -B -ntp help:evaluate -Dexpression=spark.jvm.opens -DforceStdout -N | sed "s/\x1b\[[0-9;]*m//g")
cd jobs
# shellcheck disable=SC2086
exec java --add-modules=jdk.incubator.vector $opens -Xmx6g \
  -Dlog4j2.configurationFile="$root/conf/log4j2.properties" \
  -cp "target-vbench/test-classes:target-vbench/classes:../quant-core/target-vbench/classes:$(cat target-vbench/classpath.txt)" \
  org.qcal.jobs.ValidateBenchmark "$@"
