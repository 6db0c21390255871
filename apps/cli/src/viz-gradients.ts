import { Rng, tensor, tidy } from '@lstm/core';
import { GRU, LSTM, RNN, gradientFlow, preservationMetrics, type RecurrentLayer } from '@lstm/layers';
import { formatValue, heatmap, lineChart, runColor, sparkline, terminalHeatmap, useColor, type Series } from '@lstm/viz';
import { selectBackend } from './build.js';
import { UsageError } from './errors.js';
import { readModel } from './use.js';
import { emit, terminalWidth } from './viz.js';

/** The cells gradflow compares: the three layers, and the LSTM's peephole and coupled variants. */
type LayerOptions = ConstructorParameters<typeof LSTM>[0];
const CELLS = {
  rnn: (o: LayerOptions) => new RNN(o),
  lstm: (o: LayerOptions) => new LSTM(o),
  peephole: (o: LayerOptions) => new LSTM({ ...o, variant: 'peephole' }),
  coupled: (o: LayerOptions) => new LSTM({ ...o, variant: 'coupled' }),
  gru: (o: LayerOptions) => new GRU(o),
} as const;
type Cell = keyof typeof CELLS;

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
  const unknown = o.cells.filter((c) => !(c in CELLS));
  if (unknown.length) throw new UsageError(`--cells ${unknown.join(',')}: known cells are ${Object.keys(CELLS).join(', ')}`);
  const file = o.model ? readModel(o.model) : undefined;
  const layers: [string, RecurrentLayer][] = file
    ? [
        [
          file.architecture.cell === 'lstm' && file.architecture.variant && file.architecture.variant !== 'standard'
            ? file.architecture.variant
            : file.architecture.cell,
          file.model.rnn,
        ],
      ]
    : (o.cells as Cell[]).map((cell) => [
        cell,
        CELLS[cell]({
          inputSize: o.inputSize,
          hiddenSize: o.hidden,
          seed: o.seed,
          init: cell !== 'rnn' && cell !== 'gru' && o.forgetBias !== undefined ? { forgetBias: o.forgetBias } : {},
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
  // One colour per cell; its cell-state gradient in the same colour, dashed.
  const series: Series[] = results.flatMap((r, i) => [
    { name: `${r.cell} ‖∂L/∂x_t‖`, points: steps(r.dx), color: runColor(i) },
    ...(r.dc ? [{ name: `${r.cell} ‖∂L/∂c_t‖`, points: steps(r.dc), dashed: true, color: runColor(i) }] : []),
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
  const all = results.flatMap((r) => r.dx).filter((v) => v > 0);
  const domain: [number, number] = [Math.min(...all), Math.max(...all)];
  emit(
    svg,
    o.out,
    () => [
      ...results.map(
        (r) =>
          `${r.cell.padEnd(8)} ‖∂L/∂x_t‖ ${sparkline(r.dx, { width: terminalWidth() - 66, color, domain, scale: 'log' })}  first/last ${formatValue(r.metrics.first_to_last_ratio)}, effective range ${r.metrics.effective_range}`,
      ),
      `key: one log scale for every line, ${formatValue(domain[0])} … ${formatValue(domain[1])}; time runs left to right`,
    ],
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

/** N(0, 1) draws as float32: the input sequences of the untrained-model figures. */
export function normalNoise(rng: Rng, length: number): Float32Array {
  return Float32Array.from({ length }, () => rng.normal());
}

/**
 * `lstm viz retention` (article A3's trade-off): what a constant forget value f keeps after k steps,
 * f^k — the share of the stored information and, by the same product, of the gradient flowing
 * back — against f, for several horizons k.
 */
export function vizRetention(o: { horizons: number[]; out?: string; json?: boolean }): void {
  const forget = Array.from({ length: 200 }, (_, k) => 0.5 + (0.499 * k) / 199);
  const curves = o.horizons.map((k) => ({ horizon: k, values: forget.map((f) => f ** k) }));
  const svg = lineChart(
    curves.map((c, i) => ({
      name: `after ${c.horizon} steps`,
      points: forget.map((f, k) => [f, c.values[k]!] as const),
      color: runColor(i),
    })),
    {
      title: 'What a forget value keeps: f^k, of the memory and of the gradient alike',
      xLabel: 'forget gate value f',
      yLabel: 'share kept after k steps',
      yScale: 'log',
      yDomain: [1e-12, 1],
      references: [{ y: 0.1, label: '10 % kept' }],
    },
  );
  // The forget value each horizon needs to keep 10 %: f = 0.1^(1/k).
  const needed = o.horizons.map((k) => ({ horizon: k, forget_for_10_percent: 0.1 ** (1 / k) }));
  if (o.json) process.stdout.write(`${JSON.stringify({ forget, curves, needed })}\n`);
  emit(
    svg,
    o.out,
    () => needed.map((n) => `to keep 10 % over ${String(n.horizon).padStart(4)} steps, f ≥ ${n.forget_for_10_percent.toFixed(4)}`),
    o.json,
  );
}
