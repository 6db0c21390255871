import { basename, extname, join } from 'node:path';
import { tensor, tidy } from '@lstm/core';
import { decodeSafetensors } from '@lstm/layers';
import { oneHot } from '@lstm/tasks';
import { writeFileAtomic } from '@lstm/tasks/node';
import { GATE_TITLES, heatmap, lineChart, sparkline, terminalHeatmap, useColor, type HeatmapPanel, type Series } from '@lstm/viz';
import { svgToPng } from '@lstm/viz/node';
import { buildTask, selectBackend } from './build.js';
import { EXIT, UsageError } from './errors.js';
import { readUserFile } from './files.js';
import { assertFitsInMemory } from './memory.js';
import { storedBestEpoch } from './model-metadata.js';
import { readModel, readSequences } from './use.js';

/**
 * Where a chart goes: a file (.svg or .png, by extension), or a preview in the terminal — unless
 * `--json` already printed the numbers to stdout, which then stays pure JSON.
 */
export function emit(svg: string, out: string | undefined, preview: () => string[], json = false): void {
  if (!out) {
    if (!json) process.stdout.write(`${preview().join('\n')}\n`);
    return;
  }
  const kind = extname(out).toLowerCase();
  if (kind === '.svg') writeFileAtomic(out, svg);
  else if (kind === '.png') writeFileAtomic(out, svgToPng(svg));
  else throw new UsageError(`--out ${out}: the format comes from the extension; use .svg or .png`);
  process.stderr.write(`wrote ${out}\n`);
}

export const terminalWidth = (): number => Math.max(20, Math.min(process.stdout.columns ?? 80, 160));

// ─── curves ─────────────────────────────────────────────────────────────────────────────────

export interface RunCurves {
  run: string;
  metric: string;
  epochs: number[];
  train: number[];
  test: number[];
  best_epoch: number | null;
}

/**
 * The epoch the trainer chose: `best_epoch` of the last line of metrics.jsonl (written since
 * 0.3), else the model file's `lstm.training.best_epoch` (runs written before), else none —
 * never a second opinion computed here.
 */
function bestEpoch(dir: string, records: Record<string, number>[]): number | null {
  const fromMetrics = records.at(-1)?.best_epoch;
  if (Number.isInteger(fromMetrics)) return fromMetrics ?? null;
  const path = join(dir, 'model.safetensors');
  try {
    const { metadata } = decodeSafetensors(readUserFile(path), path);
    const training = metadata['lstm.training'];
    return (training === undefined ? undefined : storedBestEpoch({ metadata: { training: JSON.parse(training) } }, path)) ?? null;
  } catch {
    return null; // no model file, or one that says nothing usable: the chart marks no epoch
  }
}

/** The learning curves of one run folder (metrics.jsonl), for `metric` or the default one. */
export function readRun(dir: string, metric: string | undefined): RunCurves {
  const path = join(dir, 'metrics.jsonl');
  const lines = readUserFile(path).toString('utf8').trim().split('\n').filter(Boolean);
  if (lines.length === 0) throw new UsageError(`${path} holds no epochs yet; train first`, EXIT.badInput);
  const records = lines.map((line, i) => {
    try {
      return JSON.parse(line) as Record<string, number>;
    } catch {
      throw new UsageError(`${path}, line ${i + 1}: not JSON — is it a metrics file written by lstm train?`, EXIT.badInput);
    }
  });
  const name = metric ?? ('test_accuracy' in records[0]! ? 'accuracy' : 'loss');
  if (!(`test_${name}` in records[0]!)) {
    const known = Object.keys(records[0]!)
      .filter((k) => k.startsWith('test_'))
      .map((k) => k.slice(5));
    throw new UsageError(`${path} has no metric '${name}'; it has ${known.join(', ')}`);
  }
  const best = bestEpoch(dir, records);
  return {
    run: dir,
    metric: name,
    epochs: records.map((r) => r.epoch!),
    train: records.map((r) => r[`train_${name}`] ?? Number.NaN),
    test: records.map((r) => r[`test_${name}`] ?? Number.NaN),
    best_epoch: best,
  };
}

/** `lstm viz curves --run DIR [--run DIR2 …]`: learning curves of one or more runs, best epochs marked. */
export function vizCurves(runs: string[], o: { metric?: string; out?: string; json?: boolean }): void {
  const curves = runs.map((run) => readRun(run, o.metric));
  const metric = curves[0]!.metric;
  // Runs are named by their folder (the whole path only where two folders share a name).
  const names = curves.map((c) => basename(c.run));
  const nameOf = (i: number) => (names.filter((n) => n === names[i]).length > 1 ? curves[i]!.run : names[i]!);
  const series: Series[] = curves.flatMap((c, i) => [
    { name: `${nameOf(i)} test`, points: c.epochs.map((e, k) => [e, c.test[k]!] as const) },
    { name: `${nameOf(i)} train`, points: c.epochs.map((e, k) => [e, c.train[k]!] as const), dashed: true },
  ]);
  const markers = curves.flatMap((c, i) =>
    c.best_epoch === null
      ? []
      : [{ x: c.best_epoch, label: curves.length > 1 ? `best ${c.best_epoch} (${nameOf(i)})` : `best ${c.best_epoch}` }],
  );
  const svg = lineChart(series, {
    title: `${metric} by epoch`,
    xLabel: 'epoch',
    yLabel: metric,
    yScale: metric === 'loss' || metric === 'mse' ? 'log' : 'linear',
    markers,
  });
  if (o.json) process.stdout.write(`${JSON.stringify({ metric, runs: curves })}\n`);
  emit(
    svg,
    o.out,
    () =>
      curves.map(
        (c) =>
          `${c.run}  test ${metric} ${sparkline(c.test, { width: terminalWidth() - c.run.length - 30, color: useColor(process.stdout, process.env) })}  last ${c.test.at(-1)!.toFixed(4)}, best epoch ${c.best_epoch ?? '—'}`,
      ),
    o.json,
  );
}

// ─── gates ──────────────────────────────────────────────────────────────────────────────────

export interface GatesOptions {
  model: string;
  layer: number;
  units?: number;
  sample: number;
  candidate?: boolean;
  gates?: string[];
  input?: string;
  out?: string;
  json?: boolean;
  backend?: string;
}

/**
 * `lstm viz gates --model FILE`: the gate activations of one layer over one test sequence of the
 * model's own task (rebuilt from the options stored with it), `units × steps` per gate.
 */
export async function vizGates(o: GatesOptions): Promise<void> {
  await selectBackend(o.backend);
  const file = readModel(o.model);
  const { architecture: a } = file;
  if (a.cell === 'rnn') throw new UsageError(`${o.model} is a vanilla RNN, which has no gates; use an LSTM or GRU model`);
  if (o.layer > a.numLayers) throw new UsageError(`--layer ${o.layer}: ${o.model} has ${a.numLayers} layer(s)`);
  const units = o.units ?? Math.min(8, a.hiddenSize);
  if (units > a.hiddenSize) throw new UsageError(`--units ${units}: layer ${o.layer} has ${a.hiddenSize} units`);
  const { input, steps } = o.input ? fromFile(o.input, a.inputSize) : testSequence(file, o);
  const { gateNames, values } = tidy(() => {
    const x = tensor(input, [1, steps, a.inputSize], a.dtype);
    const trace = file.model.forward(x, { record: true }).trace!.find((t) => t.layer === o.layer - 1 && t.direction === 'forward')!;
    const packed = trace.gates!.readSync();
    const H = a.hiddenSize;
    const G = trace.gateNames.length;
    const per = trace.gateNames.map((_, g) =>
      Array.from({ length: units }, (_, u) => Array.from({ length: steps }, (_, t) => packed[t * G * H + g * H + u]!)),
    );
    return { gateNames: trace.gateNames, values: per };
  });
  if (o.gates) {
    const missing = o.gates.filter((g) => !gateNames.includes(g));
    const kind = a.cell === 'gru' ? 'a GRU' : `an LSTM (${a.variant ?? 'standard'})`;
    if (missing.length) throw new UsageError(`--gates ${missing.join(',')}: ${o.model} is ${kind} with gates ${gateNames.join(', ')}`);
  }
  const order =
    o.gates ??
    (a.cell === 'lstm' ? ['f', 'i', 'o', 'g'] : ['r', 'z', 'n']).filter(
      (g) => gateNames.includes(g) && (o.candidate || (g !== 'g' && g !== 'n')),
    );
  const panels: HeatmapPanel[] = order.map((g) => ({ title: GATE_TITLES[g]!, values: values[gateNames.indexOf(g)]! }));
  const withCandidate = order.includes('g') || order.includes('n');
  const svg = heatmap(panels, {
    title: `${a.cell.toUpperCase()} gates, layer ${o.layer}, units 1–${units}, ${o.input ? basename(o.input) : `test sequence ${o.sample}`}`,
    colorBarLabel: 'activation',
    domain: withCandidate ? [-1, 1] : [0, 1],
    colorMap: withCandidate ? 'RdBu' : 'viridis',
  });
  if (o.json) {
    const gates = Object.fromEntries(order.map((g) => [g, values[gateNames.indexOf(g)]]));
    process.stdout.write(`${JSON.stringify({ model: o.model, layer: o.layer, sample: o.sample, steps, units, gates })}\n`);
  }
  emit(
    svg,
    o.out,
    () =>
      panels.flatMap((p) => [
        p.title!,
        ...terminalHeatmap(p.values, {
          width: terminalWidth(),
          color: useColor(process.stdout, process.env),
          domain: withCandidate ? [-1, 1] : [0, 1],
        }),
      ]),
    o.json,
  );
}

/** The first sequence of an --input file (JSON or CSV, as `lstm predict` reads them). */
function fromFile(path: string, inputSize: number): { input: Float32Array; steps: number } {
  const [sequence] = readSequences(path, inputSize);
  return { input: Float32Array.from(sequence!.flat()), steps: sequence!.length };
}

/** Test sequence `--sample` of the task stored with the model, rebuilt from its options. */
function testSequence(file: ReturnType<typeof readModel>, o: GatesOptions): { input: Float32Array; steps: number } {
  const options = file.stored.task?.options;
  if (!options)
    throw new UsageError(`${o.model} has no task stored with it; give --input FILE or a model written by lstm train`, EXIT.badInput);
  assertFitsInMemory({ ...options, hidden: file.architecture.hiddenSize, layers: file.architecture.numLayers, batchSize: 1 });
  return sampleOf(buildTask(options), o.sample);
}

/** Test sequence `index` of a task as model input: rows of a generated task, or text's first characters. */
function sampleOf(task: ReturnType<typeof buildTask>, index: number): { input: Float32Array; steps: number } {
  if (task.objective === 'language-model') {
    const steps = Math.min(80, task.test.length);
    const start = Math.min(index * steps, Math.max(0, task.test.length - steps));
    return { input: oneHot(task.test.subarray(start, start + steps), task.inputSize), steps };
  }
  const split = task.test;
  if (index >= split.size) throw new UsageError(`--sample ${index}: the test split has ${split.size} sequences (0–${split.size - 1})`);
  const width = split.inputs.length / split.size;
  return { input: split.inputs.slice(index * width, (index + 1) * width), steps: task.steps };
}
