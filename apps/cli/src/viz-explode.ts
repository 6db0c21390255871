import { Rng, mul, sub, tensor, tidy, zeros } from '@lstm/core';
import { LSTM, zeroGrad } from '@lstm/layers';
import { SGD, clipGradNorm } from '@lstm/optim';
import { barChart, formatValue, lineChart, runColor, sideBySide, sparkline, useColor } from '@lstm/viz';
import { selectBackend } from './build.js';
import { type UntrainedFigureOptions, normalNoise } from './viz-gradients.js';
import { emit, terminalWidth } from './viz.js';

/** The scales of the recurrent weights the first panel sweeps. */
const SCALES = [1, 2, 3, 4, 5, 6, 7, 8];

export interface ExplodeOptions extends UntrainedFigureOptions {
  /** The scale the training panel uses (default 6: past where this LSTM's gradient explodes). */
  scale: number;
  /** Training steps of the second panel, with and without clipping. */
  trainSteps: number;
  clip: number;
  lr: number;
}

/** An LSTM as the article sets it up, its recurrent weights multiplied by `scale`. */
function scaledLstm(o: ExplodeOptions, scale: number): LSTM {
  const layer = new LSTM({ inputSize: o.inputSize, hiddenSize: o.hidden, seed: o.seed });
  for (const p of layer.parameters()) if (p.name.startsWith('weight_hh')) p.assign(tidy(() => mul(p.value, scale)));
  return layer;
}

/** Backpropagates L = mean over the batch of Σ (h_T − target)² and returns L. */
function backprop(layer: LSTM, x: Float32Array, target: Float32Array, batch: number, o: ExplodeOptions): number {
  return tidy(() => {
    const { state, cache } = layer.forward(tensor(x, [batch, o.seqLen, o.inputSize]), { training: true });
    const diff = sub(state.h, tensor(target, state.h.shape));
    let loss = 0;
    for (const d of diff.readSync()) loss += d * d;
    loss /= batch;
    layer.backward(cache, { dState: { h: mul(diff, 2 / batch), c: zeros(state.h.shape) } });
    return loss;
  });
}

/**
 * `lstm viz explode` (spec E2e, article A3's experiment): an untrained LSTM (input 32, hidden 64)
 * reads 100 steps of N(0, 1) noise, L = Σ (h_T − target)². Left: the global gradient norm as its
 * recurrent weights are scaled ×1…×8 (log axis; the unscaled norm dashed) — past about ×5 it
 * explodes. Then SGD on fresh batches at the chosen scale, with and without clipping: the norm
 * before clipping at each step (and where a run becomes NaN), and the loss — the unclipped run's
 * first step is thousands of times too long and leaves it saturated, the clipped one learns.
 */
export async function vizExplode(o: ExplodeOptions): Promise<void> {
  await selectBackend(o.backend);
  const rng = Rng.derive(o.seed, 'data');
  const noise = normalNoise(rng, o.seqLen * o.inputSize);
  const target = Float32Array.from({ length: o.hidden }, () => rng.normal());
  const norms = SCALES.map((scale) => {
    const layer = scaledLstm(o, scale);
    backprop(layer, noise, target, 1, o);
    const norm = clipGradNorm(layer.parameters(), Number.POSITIVE_INFINITY);
    layer.dispose();
    return norm;
  });
  const batch = 4;
  const batches = Array.from({ length: o.trainSteps }, () => normalNoise(rng, batch * o.seqLen * o.inputSize));
  const targets = Array.from({ length: o.trainSteps }, () => Float32Array.from({ length: batch * o.hidden }, () => rng.normal()));
  const training = [Number.POSITIVE_INFINITY, o.clip].map((threshold) => {
    const layer = scaledLstm(o, o.scale);
    const optimizer = new SGD(layer.parameters(), { lr: o.lr });
    const steps: { norm: number; loss: number }[] = [];
    for (let k = 0; k < o.trainSteps; k++) {
      const loss = backprop(layer, batches[k]!, targets[k]!, batch, o);
      const norm = clipGradNorm(layer.parameters(), threshold);
      steps.push({ norm, loss });
      if (!Number.isFinite(loss) || !Number.isFinite(norm)) break; // diverged: nothing further is a number
      optimizer.step();
      zeroGrad(layer);
    }
    layer.dispose();
    return { threshold, steps };
  });
  const unscaled = norms[0]!;
  const left = lineChart([{ name: 'gradient norm', points: SCALES.map((s, k) => [s, norms[k]!] as const), color: runColor(0) }], {
    title: 'One step: norm by recurrent scale',
    xLabel: 'recurrent weights W_hh × scale',
    yLabel: 'global gradient norm',
    yScale: 'log',
    references: [{ y: unscaled, label: `W_hh × 1: ${formatValue(unscaled)}` }],
    legend: [],
    width: 600,
    height: 300,
  });
  const names = ['no clipping', `clipped at ${o.clip}`];
  const right = lineChart(
    training.map((run, i) => ({ name: names[i]!, points: run.steps.map((s, k) => [k + 1, s.norm] as const), color: runColor(i + 1) })),
    {
      title: `Training at W_hh × ${o.scale}: norm before clipping`,
      xLabel: 'SGD step',
      yLabel: 'global gradient norm',
      yScale: 'log',
      references: [
        { y: unscaled, label: `W_hh × 1: ${formatValue(unscaled)}` },
        { y: o.clip, label: `threshold ${o.clip}` },
      ],
      markers: training.flatMap((run, i) =>
        run.steps.length < o.trainSteps
          ? [{ x: run.steps.length, label: `${names[i]}: NaN at step ${run.steps.length}`, color: runColor(i + 1) }]
          : [],
      ),
      width: 600,
      height: 300,
    },
  );
  const loss = lineChart(
    training.map((run, i) => ({ name: names[i]!, points: run.steps.map((s, k) => [k + 1, s.loss] as const), color: runColor(i + 1) })),
    {
      title: 'Training: loss',
      xLabel: 'SGD step',
      yLabel: 'loss Σ (h_T − target)²',
      legend: names.map((name, i) => ({ name, color: runColor(i + 1) })),
      width: 600,
      height: 300,
    },
  );
  // Clipping rescales every gradient by min(1, threshold / norm): the norm becomes the smaller.
  // Shown on the unscaled step, whose norm fits on the bars' linear axis.
  const thresholds = [0.1, 0.5, 1, 2, 5, 10, 20, 50];
  const clipped = barChart(
    thresholds.map((t) => ({ label: String(t), value: Math.min(unscaled, t) })),
    {
      title: 'Clipping one step at W_hh × 1',
      xLabel: 'clipping threshold',
      yLabel: 'norm after clipping',
      references: [{ y: unscaled, label: `norm before clipping ${formatValue(unscaled)}` }],
      width: 600,
      height: 300,
    },
  );
  const svg = sideBySide([left, clipped, right, loss], `Exploding gradients in an LSTM over ${o.seqLen} steps, and what clipping does`, 1);
  if (o.json)
    process.stdout.write(
      `${JSON.stringify({ steps: o.seqLen, scales: SCALES, norms, thresholds, norm_after: thresholds.map((t) => Math.min(unscaled, t)), scale: o.scale, training: training.map((r) => ({ clip: Number.isFinite(r.threshold) ? r.threshold : null, norms: r.steps.map((s) => s.norm), losses: r.steps.map((s) => s.loss) })) })}\n`,
    );
  const color = useColor(process.stdout, process.env);
  const domain: [number, number] = [
    Math.min(...norms, o.clip),
    Math.max(...norms, ...training.flatMap((r) => r.steps.map((s) => s.norm)).filter(Number.isFinite)),
  ];
  emit(
    svg,
    o.out,
    () => [
      ...SCALES.map((s, k) => `W_hh × ${s}: norm ${formatValue(norms[k]!)}`),
      ...training.map(
        (r, i) =>
          `${names[i]!.padEnd(16)} ${sparkline(
            r.steps.map((s) => s.norm),
            { width: Math.min(o.trainSteps, terminalWidth() - 40), color, domain, scale: 'log' },
          )}${r.steps.length < o.trainSteps ? `  NaN at step ${r.steps.length}` : ''}`,
      ),
      `key: one log scale for both lines, ${formatValue(domain[0])} … ${formatValue(domain[1])}`,
    ],
    o.json,
  );
}
