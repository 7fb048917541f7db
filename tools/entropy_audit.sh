#!/usr/bin/env bash
# The entropy audit (issue 14; docs/BENCHMARKS.md "Entropy audit"): dumps the entropy
# histograms of the shipped models and five corpus models (benchmarks' HistogramDump, one pass
# and two), runs tools/entropy_reference.py's references on every tensor, and prints the
# agreement table. Needs target/corpus (tools/corpus/ensure_corpus.sh target/corpus).
#   tools/entropy_audit.sh [OUT_DIR]   (default: a temporary folder, kept for a second look)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-$(mktemp -d)}
mkdir -p "$out"
models=$root/quant-core/src/test/resources/models
slice=$root/jobs/src/test/resources/data/fashion-mnist-slice.parquet
corpus=$root/target/corpus
dump() {
  QCAL_MVN_FLAGS=${QCAL_MVN_FLAGS:--o} "$root/benchmarks/run-main.sh" -audit test-compile \
    org.qcal.bench.HistogramDump -- "$@" >"$1.log" 2>&1 || { echo "dump $1 failed, see $1.log" >&2; exit 1; }
}
for p in 1 2; do
  for m in cnn residual mlp; do dump "$out/$m-$p.json" "$p" "$models/$m.onnx" "$slice"; done
  for m in mobilenetv3_op17_init vit_op17_init tinycnn_b1_op13_init; do
    dump "$out/$m-$p.json" "$p" "$corpus/models/$m.onnx" "$corpus/data/fmnist_calib.jsonl" \
      --input input=input
  done
  dump "$out/bert_op17_layernorm-$p.json" "$p" "$corpus/models/bert_op17_layernorm.onnx" \
    "$corpus/data/text_calib.jsonl" --input input_ids=input_ids --input attention_mask=attention_mask
  dump "$out/segnet_op13_init_fixedhw-$p.json" "$p" "$corpus/models/segnet_op13_init_fixedhw.onnx" \
    "$corpus/data/scenes_calib.npy" --input-shape image=3,32,32
done
/usr/bin/python3 "$root/tools/entropy_reference.py" audit "$out"/*-[12].json >"$out/audit.jsonl"
/usr/bin/python3 "$root/tools/entropy_audit_table.py" "$out/audit.jsonl"
echo "dumps and audit.jsonl in $out" >&2
