#!/usr/bin/env bash
# `pnpm gallery`: regenerates every figure of docs/gallery.md with fixed seeds, through the lstm
# command, then renders each to docs/gallery/png/ — the images the picture tests compare with.
# The untrained-model figures take seconds; the gates and curves first train the quick-start
# model (the E1 task, about 15 s on one core); E3 trains two character models (minutes).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=docs/gallery
mkdir -p "$out" tooling/gallery/runs
lstm() { pnpm -s lstm "$@"; }
# Trains a run (the last two arguments are --out DIR); REUSE_RUNS=1 keeps a finished run, to redraw only.
train() {
  local dir="${*: -1}"
  if [[ "${REUSE_RUNS:-}" == 1 && -f "$dir/model.safetensors" ]]; then return; fi
  lstm train "$@"
}

# The cells themselves (articles A1, A3, A4): each kind, and the two layouts.
for cell in lstm peephole coupled nig fgr gru rnn; do lstm viz cell --cell "$cell" --out "$out/cell-$cell.svg"; done
lstm viz cell --layers 2 --out "$out/cell-stacked.svg"
lstm viz cell --layers 2 --bidirectional --out "$out/cell-bidirectional.svg"

lstm viz decay --out "$out/e2a-decay.svg"
lstm viz retention --out "$out/e2a-retention.svg"
lstm viz forget-heatmap --seed 0 --out "$out/e2b-forget-heatmap.svg"
lstm viz gradflow --seed 1 --out "$out/e2cd-gradflow-default.svg"
lstm viz gradflow --seed 1 --forget-bias 2 --cells rnn,lstm,peephole,coupled,gru --out "$out/e2cd-gradflow-forget-bias-2.svg"
lstm viz explode --seed 0 --out "$out/e2e-explode.svg"

run=tooling/gallery/runs/quickstart
train --task first-last --hidden 32 --forget-bias 2 --lr 3e-3 --clip 1 --train-size 2000 --validation-size 500 \
  --test-size 500 --epochs 12 --seed 1 --force --quiet --out "$run"
train --task first-last --cell rnn --hidden 32 --lr 3e-3 --clip 1 --train-size 2000 --validation-size 500 \
  --test-size 500 --epochs 12 --seed 1 --force --quiet --out "$run-rnn"
lstm viz gates --model "$run/model.safetensors" --out "$out/e1-gates.svg"
lstm viz curves --run "$run" --run "$run-rnn" --out "$out/e1-curves.svg"
lstm viz curves --run "$run" --run "$run-rnn" --metric grad_norm --out "$out/e1-grad-norm.svg"
lstm viz cell --model "$run/model.safetensors" --units 5 --out "$out/e1-xray.svg"

lstm viz trace --out "$out/e2f-trace.svg"

# E3: character models on State of the Union text (both recorded every 10 epochs).
text=tooling/gallery/runs/sotu
train --task text --max-chars 20000 --hidden 64 --epochs 40 --bptt 64 --lr 3e-3 --clip 1 --seed 1 \
  --record gradients --record-every 10 --force --quiet --out "$text-lstm"
train --task text --max-chars 20000 --cell rnn --hidden 64 --epochs 40 --bptt 64 --lr 3e-3 --clip 1 --seed 1 \
  --record gradients --record-every 10 --force --quiet --out "$text-rnn"
lstm viz histograms --run "$text-lstm" --compare "$text-rnn" --steps 25 --out "$out/e3-histograms.svg"
lstm viz gates --model "$text-lstm/model.safetensors" --units 12 --out "$out/e3-gates.svg"
passage='the people of the United States have the right to know what their government is doing, and why it matters to them'
for n in 20 40 100; do
  lstm viz connectivity --model "$text-lstm/model.safetensors" --compare "$text-rnn/model.safetensors" \
    --text "${passage:0:$n}" --out "$out/e3-connectivity-$n.svg"
done
lstm generate --model "$text-lstm/model.safetensors" --prime "The " --length 300 --temperature 0.7 --seed 1 > "$out/e3-sample.txt"

# E4: the adding problem's curves, from tooling/experiments/e4.sh's runs (about 25 minutes to make).
if [[ -f tooling/experiments/runs/e4-rnn/metrics.jsonl ]]; then
  lstm viz curves --run tooling/experiments/runs/e4-lstm --run tooling/experiments/runs/e4-gru --run tooling/experiments/runs/e4-rnn \
    --metric mse --out "$out/e4-curves.svg"
else
  echo "gallery: no E4 runs; run tooling/experiments/e4.sh to remake docs/gallery/e4-curves.svg" >&2
fi

# Every figure as the PNG the picture tests compare with (apps/cli/src/gallery.test.ts).
pnpm -s exec tsx --conditions=@lstm/source apps/cli/src/gallery-png.ts
