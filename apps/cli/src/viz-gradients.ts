import { Rng, mul, sub, tensor, tidy, zeros } from '@lstm/core';
import { GRU, LSTM, RNN, gradientFlow, preservationMetrics, type RecurrentLayer } from '@lstm/layers';
import { clipGradNorm } from '@lstm/optim';
import { barChart, heatmap, lineChart, sparkline, terminalHeatmap, useColor, type Series } from '@lstm/viz';
import { selectBackend } from './build.js';
import { UsageError } from './errors.js';
import { readModel } from './use.js';
import { emit, terminalWidth } from './viz.js';

const CELL_LAYERS = { rnn: RNN, lstm: LSTM, gru: GRU } as const;
type Cell = keyof typeof CELL_LAYERS;

export interface GradflowOptions {
  cells: string[];
  seqLen: number;
  hidden: number;
  inputSize: number;
  forgetBias?: number;
  model?: string;
  seed: number;
  out?: string;
  json?: boolean;
  backend?: string;
}

/**
 * `lstm viz gradflow` (spec E2c–d, article A3): for L = Σ h_T of an untrained (or a given) stack,
 * ‖∂L/∂x_t‖ at every step t for each cell, and ‖∂L/∂c_t‖ for the LSTM, with the preservation
 * metrics per cell. The input is N(0, 1) noise drawn from the seed's 'data' stream.
 */
export async function vizGradflow(o: GradflowOptions): Promise<void> {
  await selectBackend(o.backend);
  const unknown = o.cells.filter((c) => !(c in CELL_LAYERS));
  if (unknown.length) throw new UsageError(`--cells ${unknown.join(',')}: known cells are rnn, lstm, gru`);
  const file = o.model ? readModel(o.model) : undefined;
  const layers: [string, RecurrentLayer][] = file
    ? [[file.architecture.cell, file.model.rnn]]
    : (o.cells as Cell[]).map((cell) => [
        cell,
        new CELL_LAYERS[cell]({
          inputSize: o.inputSize,
          hiddenSize: o.hidden,
          seed: o.seed,
          init: cell === 'lstm' && o.forgetBias !== undefined ? { forgetBias: o.forgetBias } : {},
        }),
      ]);
  const inputSize = layers[0]![1].inputSize;
  const rng = Rng.derive(o.seed, 'data');
  const noise = normalNoise(rng, o.seqLen * inputSize);
  const results = layers.map(([cell, layer]) => {
    const flow = tidy(() => gradientFlow(layer, tensor(noise, [1, o.seqLen, inputSize], layer.dtype)));
    return { cell, ...flow, metrics: preservationMetrics(flow.dx), ...(flow.dc ? { dc_metrics: preservationMetrics(flow.dc) } : {}) };
  });
  const steps = (norms: number[]) => norms.map((g, t) => [t + 1, g] as const);
  const series: Series[] = results.flatMap((r) => [
    { name: `${r.cell} ‖∂L/∂x_t‖`, points: steps(r.dx) },
    ...(r.dc ? [{ name: `${r.cell} ‖∂L/∂c_t‖`, points: steps(r.dc), dashed: true }] : []),
  ]);
  const bias = o.forgetBias === undefined ? 'default initialisation' : `forget bias ${o.forgetBias}`;
  const svg = lineChart(series, {
    title: `Gradient flow back from L = Σ h_T (${o.model ? o.model : `untrained, H ${o.hidden}, input ${o.inputSize}, ${bias}`})`,
    xLabel: 'time step t',
    yLabel: 'gradient norm',
    yScale: 'log',
  });
  if (o.json)
    process.stdout.write(
      `${JSON.stringify({ seq_len: o.seqLen, cells: Object.fromEntries(results.map(({ cell, ...rest }) => [cell, rest])) })}\n`,
    );
  const color = useColor(process.stdout, process.env);
  emit(
    svg,
    o.out,
    () =>
      results.map(
        (r) =>
          `${r.cell.padEnd(5)} ‖∂L/∂x_t‖ ${sparkline(r.dx.map(Math.log10), { width: terminalWidth() - 60, color })}  first/last ${r.metrics.first_to_last_ratio.toExponential(2)}, effective range ${r.metrics.effective_range}`,
      ),
    o.json,
  );
}

/** `lstm viz decay` (spec E2a): 0.585^t, a vanilla RNN's typical factor, against f^t for forget gates f. */
export function vizDecay(o: { steps: number; out?: string; json?: boolean }): void {
  const factors = [
    { name: 'vanilla RNN 0.585^t', base: 0.585 },
    { name: 'LSTM f = 0.9', base: 0.9 },
    { name: 'LSTM f = 0.95', base: 0.95 },
    { name: 'LSTM f = 0.99', base: 0.99 },
  ];
  const curves = factors.map((f) => ({ ...f, values: Array.from({ length: o.steps + 1 }, (_, t) => f.base ** t) }));
  const svg = lineChart(
    curves.map((c) => ({ name: c.name, points: c.values.map((v, t) => [t, v] as const) })),
    { title: `How much gradient survives t steps back`, xLabel: 'steps back t', yLabel: 'factor (log)', yScale: 'log' },
  );
  if (o.json)
    process.stdout.write(
      `${JSON.stringify({ steps: o.steps, curves: curves.map(({ name, base, values }) => ({ name, base, values })) })}\n`,
    );
  emit(
    svg,
    o.out,
    () =>
      curves.map(
        (c) => `${c.name.padEnd(20)} after 10: ${c.values[10]?.toExponential(2)}  after ${o.steps}: ${c.values.at(-1)!.toExponential(2)}`,
      ),
    o.json,
  );
}

/** Options of the figures drawn from an untrained model over N(0, 1) noise. */
export interface UntrainedFigureOptions {
  hidden: number;
  seqLen: number;
  inputSize: number;
  seed: number;
  out?: string;
  json?: boolean;
  backend?: string;
}

/** `lstm viz forget-heatmap` (spec E2b): the forget gates of an untrained LSTM over noise. */
export async function vizForgetHeatmap(o: UntrainedFigureOptions): Promise<void> {
  await selectBackend(o.backend);
  const layer = new LSTM({ inputSize: o.inputSize, hiddenSize: o.hidden, seed: o.seed });
  const rng = Rng.derive(o.seed, 'data');
  const noise = normalNoise(rng, o.seqLen * o.inputSize);
  const forget = tidy(() => {
    const gates = layer.forward(tensor(noise, [1, o.seqLen, o.inputSize]), { record: true }).trace![0]!.gates!.readSync();
    const H = o.hidden;
    return Array.from({ length: H }, (_, u) => Array.from({ length: o.seqLen }, (_, t) => gates[t * 4 * H + H + u]!));
  });
  const all = forget.flat();
  const mean = all.reduce((a, b) => a + b, 0) / all.length;
  const svg = heatmap(
    { title: `forget gate f (mean ${mean.toFixed(3)})`, values: forget },
    {
      title: `Forget gates of an untrained LSTM (H ${o.hidden}, input ${o.inputSize}, N(0, 1) input)`,
      colorBarLabel: 'f',
      domain: [0, 1],
      panelHeight: 320,
    },
  );
  if (o.json) process.stdout.write(`${JSON.stringify({ hidden: o.hidden, steps: o.seqLen, mean, forget })}\n`);
  emit(
    svg,
    o.out,
    () => [
      `forget gates, mean ${mean.toFixed(3)}`,
      ...terminalHeatmap(forget, { width: terminalWidth(), color: useColor(process.stdout, process.env), domain: [0, 1] }),
    ],
    o.json,
  );
}

/**
 * `lstm viz explode` (spec E2e, article A3's experiment): an untrained LSTM (input 32, as the article)
 * whose recurrent weights are scaled reads a long N(0, 1) sequence; L = Σ (h_T − target)². The
 * global gradient norm at scale 1 and at the chosen scale, and after clipping at each threshold
 * (clipping rescales every gradient by min(1, threshold / norm), so the norm becomes the smaller).
 */
export async function vizExplode(o: UntrainedFigureOptions & { scale: number }): Promise<void> {
  await selectBackend(o.backend);
  const rng = Rng.derive(o.seed, 'data');
  const noise = normalNoise(rng, o.seqLen * o.inputSize);
  const target = Float32Array.from({ length: o.hidden }, () => rng.normal());
  const normAt = (scale: number): number => {
    const layer = new LSTM({ inputSize: o.inputSize, hiddenSize: o.hidden, seed: o.seed });
    for (const p of layer.parameters()) if (p.name.startsWith('weight_hh')) p.assign(tidy(() => mul(p.value, scale)));
    tidy(() => {
      const { state, cache } = layer.forward(tensor(noise, [1, o.seqLen, o.inputSize]), { training: true });
      const dh = mul(sub(state.h, tensor(target, state.h.shape)), 2); // ∂/∂h_T of Σ (h_T − target)²
      layer.backward(cache, { dState: { h: dh, c: zeros(state.h.shape) } });
    });
    const norm = clipGradNorm(layer.parameters(), Number.POSITIVE_INFINITY);
    layer.dispose();
    return norm;
  };
  const base = normAt(1);
  const before = normAt(o.scale);
  const thresholds = [0.1, 0.5, 1, 2, 5, 10];
  const after = thresholds.map((threshold) => Math.min(before, threshold));
  const svg = barChart(
    [
      { label: 'W_hh × 1', value: base },
      { label: `W_hh × ${o.scale}`, value: before },
      ...thresholds.map((t, i) => ({ label: `clip ${t}`, value: after[i]! })),
    ],
    {
      title: `Global gradient norm of an LSTM over ${o.seqLen} steps, before and after clipping`,
      xLabel: 'recurrent weights, or clipping threshold',
      yLabel: 'gradient norm',
    },
  );
  if (o.json)
    process.stdout.write(
      `${JSON.stringify({ scale: o.scale, steps: o.seqLen, norm_unscaled: base, norm_before: before, thresholds, norm_after: after })}\n`,
    );
  emit(
    svg,
    o.out,
    () => [
      `norm with W_hh × 1: ${base.toPrecision(4)}, × ${o.scale}: ${before.toPrecision(4)}`,
      ...thresholds.map((t, i) => `clip at ${String(t).padEnd(4)} → ${after[i]!.toPrecision(3)}`),
    ],
    o.json,
  );
}

/** N(0, 1) draws as float32: the input sequences of the untrained-model figures. */
function normalNoise(rng: Rng, length: number): Float32Array {
  return Float32Array.from({ length }, () => rng.normal());
}
