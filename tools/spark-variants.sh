#!/usr/bin/env bash
# The Spark variants (README, "Spark versions"): builds the application jar of each and runs it
# embedded in local mode as bin/qcal does (QCAL_SPARK_VARIANT: the variant's jar plus the Spark,
# Scala and Hadoop jars of its jobs/target*/qcal-home/jars). For each variant it checks that
#   - `qcal --version` runs on the Spark it was built for;
#   - `calibrate` of the shipped CNN on the Fashion-MNIST slice (--limit 500, --choose mse)
#     exits 0;
#   - an unreadable data file is bad input: exit 2 and one `qcal:` line naming the file;
#   - Spark ML on it: smoke_transform, below;
# and then that calibration.json, model.int8.onnx and calibration.cache are byte-identical
# across the variants.
#   tools/spark-variants.sh [VARIANT...]   (default: all four)
# A variant is built (mvn package -DskipTests with its profile, into jobs/target-VARIANT/; the
# default variant into jobs/target/) only when bin/qcal would rebuild it, so after `mvn verify`
# the default variant's jar is reused. Don't run it while another build uses the same folders.
# Environment: QCAL_MVN_FLAGS (extra Maven flags, e.g. -o for offline), QCAL_VARIANTS_OUT (the
# outputs and logs; default target-variants/ at the root, emptied first).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
all=(spark3.5_2.12 spark3.5_2.13 spark4.0_2.13 spark4.2_2.13)
if [ $# -gt 0 ]; then variants=("$@"); else variants=("${all[@]}"); fi
out=${QCAL_VARIANTS_OUT:-$root/target-variants}
rm -rf "$out"
mkdir -p "$out"
model=$root/quant-core/src/test/resources/models/cnn.onnx
slice=$root/jobs/src/test/resources/data/fashion-mnist-slice.parquet
# The files every variant must write byte for byte alike, relative to a variant's folder.
compared=(calibrate/calibration.json calibrate/model.int8.onnx calibrate/calibration.cache)

passed=0 failed=0
pass() { passed=$((passed + 1)); printf '  ok    %-14s %-10s %4ds\n' "$1" "$2" "$3"; }
fail() {
  failed=$((failed + 1))
  printf '  FAIL  %-14s %-10s %4ds  %s\n' "$1" "$2" "$3" "$4"
}

# bin/qcal on the variant $1, its output in folder $2 (stdout, stderr, logs); returns its code.
run_qcal() {
  local variant=$1 dir=$2
  shift 2
  mkdir -p "$dir"
  QCAL_SPARK_VARIANT=$variant QCAL_LOG_DIR=$dir/logs "$root/bin/qcal" "$@" \
    >"$dir/stdout" 2>"$dir/stderr"
}

# The Spark ML smoke test on variant $1, its folder $2: examples/SparkMlExample.java (fit the
# calibrator on the first 500 rows choosing mse, transform 500 held-out rows with the int8 and FP32
# models, save, load and transform again) into $2/transform. Its int8 model must be the one
# `calibrate` wrote (same rows, same method); its model and predictions must agree across
# variants. On failure the reason is the last line of stderr.
smoke_transform() {
  local variant=$1 dir=$2
  [ "$variant" = "${variants[0]}" ] && compared+=(transform/model.int8.onnx transform/predictions.csv)
  if ! QCAL_MAIN=$root/examples/SparkMlExample.java run_qcal "$variant" "$dir/transform-run" \
      "$model" "$slice" "$dir/transform"; then
    echo "examples/SparkMlExample.java failed: $(grep -v '^\s*at ' "$dir/transform-run/stderr" |
      grep -m1 -E 'Exception|Error|error:')" >&2
    return 1
  fi
  cat "$dir/transform-run/stdout"
  cmp -s "$dir/transform/model.int8.onnx" "$dir/calibrate/model.int8.onnx" || {
    echo "the Spark ML fit's model.int8.onnx is not calibrate's" >&2
    return 1
  }
}

# An unreadable data file among good ones: part-2.parquet is not Parquet.
bad=$out/unreadable-data
mkdir -p "$bad"
cp "$slice" "$bad/part-1.parquet"
printf 'pixels,label\n1,2\n' >"$bad/part-2.parquet"

start=$SECONDS
for v in "${variants[@]}"; do
  echo "spark-variants: $v"
  dir=$out/$v

  t=$SECONDS
  if run_qcal "$v" "$dir/version" --version && grep -q "^running on Spark" "$dir/version/stdout"; then
    built=$(sed -n 's/^built for Spark \([^,]*\),.*/\1/p' "$dir/version/stdout")
    running=$(sed -n 's/^running on Spark \([^,]*\),.*/\1/p' "$dir/version/stdout")
    if [ "$built" = "$running" ]; then
      pass "$v" "build" $((SECONDS - t))
    else
      fail "$v" "build" $((SECONDS - t)) "built for Spark $built but runs on $running"
    fi
  else
    fail "$v" "build" $((SECONDS - t)) "$(tail -5 "$dir/version/stderr")"
    continue
  fi

  t=$SECONDS
  if run_qcal "$v" "$dir/calibrate-run" calibrate --model "$model" --data "$slice" --limit 500 \
      --choose mse --out "$dir/calibrate"; then
    pass "$v" "calibrate" $((SECONDS - t))
  else
    fail "$v" "calibrate" $((SECONDS - t)) "$(tail -1 "$dir/calibrate-run/stderr")"
  fi

  t=$SECONDS
  code=0
  run_qcal "$v" "$dir/unreadable-run" calibrate --model "$model" --data "$bad" --choose mse \
    --out "$dir/unreadable" || code=$?
  line=$(tail -1 "$dir/unreadable-run/stderr")
  if [ "$code" = 2 ] && [[ $line == "qcal: data file "*part-2.parquet" cannot be read: "* ]]; then
    pass "$v" "unreadable" $((SECONDS - t))
  else
    fail "$v" "unreadable" $((SECONDS - t)) "exit $code, not 2 with the file named: $line"
  fi

  t=$SECONDS
  code=0
  smoke_transform "$v" "$dir" 2>"$dir/transform.stderr" || code=$?
  case $code in
    0) pass "$v" "transform" $((SECONDS - t)) ;;
    77) printf '  skip  %-14s %-10s\n' "$v" "transform" ;;
    *) fail "$v" "transform" $((SECONDS - t)) "$(tail -1 "$dir/transform.stderr")" ;;
  esac
done

# The outputs of every variant, byte for byte those of the first.
first=${variants[0]}
for v in "${variants[@]:1}"; do
  differ=()
  for f in "${compared[@]}"; do
    cmp -s "$out/$first/$f" "$out/$v/$f" || differ+=("$f")
  done
  if [ ${#differ[@]} = 0 ]; then
    pass "$v" "identical" 0
  else
    fail "$v" "identical" 0 "not as $first's (or missing): ${differ[*]}"
  fi
done
(cd "$out" && sha256sum ./*/calibrate/calibration.json 2>/dev/null) || true

echo "spark-variants: ${#variants[@]} variants in $((SECONDS - start))s; outputs in $out"
# The closing line in the form CI reads.
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
