#!/bin/sh
# Regenerates qcal's committed test models and Fashion-MNIST slice in one command.
# Regeneration only: builds and tests use the committed files and never need Python.
#
#   tools/make_test_models.sh          (from anywhere; works in the repository root)
#
# Needs: Debian bookworm packages python3-torch, python3-onnx, dataset-fashion-mnist
# (apt-get install python3-torch python3-onnx dataset-fashion-mnist), JDK 17, Maven.
# Takes about 5 minutes on 2 CPU cores.
#
# Steps:
#  1. /usr/bin/python3 tools/make_test_models.py trains and exports
#       quant-core/src/test/resources/models/{cnn,mlp,residual}.onnx,
#       expected_logits.json and README.md,
#     and writes the slice (first 2000 Fashion-MNIST test images and labels) as .npy files
#     into a temporary folder.
#  2. Maven compiles the jobs module's test classes (-Dqcal.target.suffix=-data, so the output
#     goes to target-data/ and does not disturb other builds) and lists their class path.
#  3. org.qcal.jobs.tools.WriteSliceParquet (Spark, local[1]) converts the .npy files to
#       jobs/src/test/resources/data/fashion-mnist-slice.parquet  (one file, snappy).
#
# Extra Maven flags (for example -o for offline) can be passed in QCAL_MVN_FLAGS.
set -eu

cd "$(dirname "$0")/.."
work=$(mktemp -d "${TMPDIR:-/tmp}/qcal-test-models.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

echo "== 1/3 training and exporting models (python)"
/usr/bin/python3 tools/make_test_models.py --npy-dir "$work"

echo "== 2/3 compiling the Parquet writer (maven)"
# shellcheck disable=SC2086
mvn -q ${QCAL_MVN_FLAGS:-} -Dqcal.target.suffix=-data -pl jobs -am test-compile \
    dependency:build-classpath -Dmdep.outputFile="$work/classpath.txt"

echo "== 3/3 writing the Parquet slice (spark)"
opens=$(sed -n 's:.*<spark.jvm.opens>\(.*\)</spark.jvm.opens>.*:\1:p' pom.xml)
# shellcheck disable=SC2086
java $opens -Xmx2g \
    -cp "jobs/target-data/test-classes:jobs/target-data/classes:$(cat "$work/classpath.txt")" \
    org.qcal.jobs.tools.WriteSliceParquet "$work" jobs/src/test/resources/data/fashion-mnist-slice.parquet

ls -l quant-core/src/test/resources/models/*.onnx jobs/src/test/resources/data/fashion-mnist-slice.parquet
