#!/usr/bin/env bash
# The cluster benchmark of issue 6 (see docs/BENCHMARKS.md): the same calibrate on a 2-worker
# Spark standalone cluster (separate JVMs on 127.0.0.1, SparkSubmit in client mode) and
# embedded in local[2], rows/s.
#   benchmarks/cluster-bench.sh [ROWS=20000] [ROUNDS=2]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
suffix=-cbench
mvn -q -B -ntp -Dqcal.target.suffix=$suffix -pl jobs -am package -DskipTests \
  dependency:build-classpath -Dmdep.outputFile=target$suffix/test-classpath.txt -Dmdep.includeScope=test
opens=$(mvn -q -B -ntp help:evaluate -Dexpression=spark.jvm.opens -DforceStdout -N | sed "s/\x1b\[[0-9;]*m//g")
cd jobs
# shellcheck disable=SC2086
exec java --add-modules=jdk.incubator.vector $opens -Xmx2g \
  -Dlog4j2.configurationFile="$root/conf/log4j2.properties" \
  -Dqcal.jobs.jar="target$suffix/qcal-jobs.jar" -Dqcal.home="target$suffix/qcal-home" \
  -Dqcal.spark.jvm.opens="$opens" \
  -cp "target$suffix/test-classes:target$suffix/classes:../quant-core/target$suffix/classes:$(cat target$suffix/test-classpath.txt)" \
  org.qcal.jobs.cluster.ClusterBenchmark "$@"
