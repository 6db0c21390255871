#!/usr/bin/env bash
# E1 (spec §5, article A0): the published protocol through the `lstm` command — 2 layers, hidden 128,
# dropout 0.3, Adam 1e-3 halved every 20 epochs, clipping 1.0, 5,000 training sequences, 100
# epochs — for an LSTM and a vanilla RNN. Runs resume where they stopped (checkpoint in --out).
# CELLS=rnn runs one cell. BACKEND (default wasm: about 10 s an epoch with two threads, against
# a minute on the cpu backend) and THREADS (default 2; both backends give the same bits on any
# number of threads) choose where it computes.
# Then `pnpm tsx tooling/experiments/src/report.ts e1` writes docs/results/e1.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p tooling/experiments/runs
EPOCHS=${EPOCHS:-100}
for cell in ${CELLS:-lstm rnn}; do
  out=tooling/experiments/runs/e1-$cell
  resume=()
  [[ -f $out/checkpoint.safetensors ]] && resume=(--resume)
  forget=()
  [[ $cell == lstm ]] && forget=(--forget-bias 2) # an RNN has no forget gate
  pnpm -s lstm train --task first-last --seq-len 30 --train-size 5000 --validation-size 1000 --test-size 1000 \
    --cell "$cell" --hidden 128 --layers 2 --dropout 0.3 "${forget[@]}" \
    --optimizer adam --lr 1e-3 --step-size 20 --gamma 0.5 --clip 1 --batch-size 32 --epochs "$EPOCHS" --seed 1 --backend "${BACKEND:-wasm}" --threads "${THREADS:-2}" \
    --out "$out" "${resume[@]}" --json > "$out.summary.json" 2> >(tee -a "$out.log" >&2) || true
done
