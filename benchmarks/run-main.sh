#!/usr/bin/env bash
# Builds the benchmarks module and the modules it uses, then runs one of its mains; what the
# *-bench.sh scripts call.
#   benchmarks/run-main.sh SUFFIX PHASE MAIN_CLASS [JVM_OPTION...] -- [MAIN_ARG...]
# SUFFIX: the build goes to target$SUFFIX/ folders (-Dqcal.target.suffix), so that a benchmark
#   does not disturb other builds of the work tree.
# PHASE: test-compile, or package when the main needs the application jar and the Spark home
#   (jobs/target$SUFFIX/qcal-jobs-spark4.2_2.13.jar, qcal-home/).
# The main runs in the jobs folder: the test helpers it uses (TestPaths, ClusterBuild) find the
# shipped models and data from there. Extra Maven flags (for example -o for offline) can be
# passed in QCAL_MVN_FLAGS.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
suffix=$1 phase=$2 main=$3
shift 3
jvm=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
  jvm+=("$1")
  shift
done
[ $# -gt 0 ] && shift
cd "$root"
# shellcheck disable=SC2086
mvn -q -B -ntp ${QCAL_MVN_FLAGS:-} -Dqcal.target.suffix="$suffix" -pl benchmarks -am "$phase" \
  -DskipTests dependency:build-classpath -Dmdep.outputFile="target$suffix/classpath.txt" \
  -Dmdep.includeScope=test
opens=$(sed -n 's:.*<spark.jvm.opens>\(.*\)</spark.jvm.opens>.*:\1:p' pom.xml)
cd jobs
# shellcheck disable=SC2086
exec java --add-modules=jdk.incubator.vector $opens "${jvm[@]}" \
  -Dlog4j2.configurationFile="$root/conf/log4j2.properties" \
  -cp "$root/benchmarks/target$suffix/classes:$(cat "$root/benchmarks/target$suffix/classpath.txt")" \
  "$main" "$@"
