#!/usr/bin/env bash
# `pnpm gallery`: regenerates every figure of docs/gallery.md with fixed seeds, through the lstm
# command. The untrained-model figures take seconds; the gates and curves first train the
# quick-start model (the E1 task, about 15 s on one core).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=docs/gallery
mkdir -p "$out" tooling/gallery/runs
lstm() { pnpm -s lstm "$@"; }

lstm viz decay --out "$out/e2a-decay.svg"
lstm viz forget-heatmap --seed 0 --out "$out/e2b-forget-heatmap.svg"
lstm viz gradflow --seed 1 --out "$out/e2cd-gradflow-default.svg"
lstm viz gradflow --seed 1 --forget-bias 2 --out "$out/e2cd-gradflow-forget-bias-2.svg"
lstm viz explode --seed 0 --out "$out/e2e-explode.svg"

run=tooling/gallery/runs/quickstart
lstm train --task first-last --hidden 32 --forget-bias 2 --lr 3e-3 --clip 1 --train-size 2000 --validation-size 500 \
  --test-size 500 --epochs 12 --seed 1 --out "$run" --force --quiet
lstm train --task first-last --cell rnn --hidden 32 --lr 3e-3 --clip 1 --train-size 2000 --validation-size 500 \
  --test-size 500 --epochs 12 --seed 1 --out "$run-rnn" --force --quiet
lstm viz gates --model "$run/model.safetensors" --out "$out/e1-gates.svg"
lstm viz curves --run "$run" --run "$run-rnn" --out "$out/e1-curves.svg"

lstm viz trace --out "$out/e2f-trace.svg"

# E3: character models on State of the Union text (the LSTM recorded every 10 epochs).
text=tooling/gallery/runs/sotu
lstm train --task text --max-chars 20000 --hidden 64 --epochs 40 --bptt 64 --lr 3e-3 --clip 1 --seed 1 \
  --record gradients --record-every 10 --out "$text-lstm" --force --quiet
lstm train --task text --max-chars 20000 --cell rnn --hidden 64 --epochs 40 --bptt 64 --lr 3e-3 --clip 1 --seed 1 \
  --out "$text-rnn" --force --quiet
lstm viz histograms --run "$text-lstm" --steps 25 --out "$out/e3-histograms.svg"
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
