# Sourced by the quality scripts (default-choice.sh, entropy-variants.sh): the repository root,
# the output folder ($1 or a new temporary one), the model corpus, the shipped models and slice.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-$(mktemp -d)}
mkdir -p "$out"
corpus=$root/target/corpus
models=$root/quant-core/src/test/resources/models
slice=$root/jobs/src/test/resources/data/fashion-mnist-slice.parquet
