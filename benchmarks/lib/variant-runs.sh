# Sourced by benchmarks/bias-correction.sh, smoothquant.sh and types.sh: each calibrates a model
# once per variant of an option and validates each output folder on the held-out rows. Needs
# $root (the repository) set by the caller.

# run DIR STEP ARGS...: bin/qcal with its output and exit code kept in DIR; prints its last
# "qcal:" line.
run() {
  local dir=$1 step=$2; shift 2
  local rc=0
  "$root/bin/qcal" "$@" >"$dir/$step.out" 2>"$dir/$step.err" || rc=$?
  echo "$rc" >"$dir/$step.rc"
  grep -h '^qcal:' "$dir/$step.err" | tail -1 || true
}

# calibrate_and_validate DIR LABEL MODEL CALIB HELDOUT QARGS VARGS [CALIBRATE_FLAG...]: DIR made
# afresh; `calibrate` of MODEL on CALIB with QARGS and the flags into DIR/calibration, then, if
# it exited 0, `validate --calibration` of that folder on HELDOUT with QARGS and VARGS into
# DIR/validation. QARGS and VARGS are split on spaces (the manifest's arguments).
calibrate_and_validate() {
  local dir=$1 label=$2 model=$3 calib=$4 heldout=$5 qargs=$6 vargs=$7
  shift 7
  rm -rf "$dir"
  mkdir -p "$dir"
  echo "== $label: calibrate"
  # shellcheck disable=SC2086
  run "$dir" calibrate calibrate --model "$model" --data "$calib" --out "$dir/calibration" \
    $qargs "$@"
  [ "$(cat "$dir/calibrate.rc")" = 0 ] || return 0
  echo "== $label: validate"
  # shellcheck disable=SC2086
  run "$dir" validate validate --model "$model" --calibration "$dir/calibration" \
    --data "$heldout" --out "$dir/validation" $qargs $vargs
}
