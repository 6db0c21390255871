#!/usr/bin/env bash
# E4 (spec §5, article A1): the adding problem at T = 50 — LSTM, GRU and vanilla RNN under one
# protocol (the article publishes none): 1 layer, hidden 64, Adam 3e-3, clipping 1.0, batches of 32,
# 10,000 training sequences, 15 epochs. Runs resume where they stopped.
# Then `pnpm --filter @lstm/experiments report e4` writes docs/results/e4.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p tooling/experiments/runs
EPOCHS=${EPOCHS:-15}
STEPS=${STEPS:-50}
for cell in ${CELLS:-lstm gru rnn}; do
  out=tooling/experiments/runs/e4-$cell
  resume=()
  [[ -f $out/checkpoint.safetensors ]] && resume=(--resume)
  pnpm -s lstm train --task adding --seq-len "$STEPS" --train-size 10000 --validation-size 1000 --test-size 1000 \
    --cell "$cell" --hidden 64 --optimizer adam --lr 3e-3 --clip 1 --batch-size 32 --epochs "$EPOCHS" --seed 1 --backend "${BACKEND:-wasm}" --threads "${THREADS:-2}" \
    --out "$out" "${resume[@]}" --json > "$out.summary.json" 2> >(tee -a "$out.log" >&2) || true
done
