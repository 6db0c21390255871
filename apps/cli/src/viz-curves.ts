import { basename, join } from 'node:path';
import { decodeSafetensors } from '@lstm/layers';
import { SPLITS, formatValue, lineChart, runColor, sparkline, useColor, type Reference, type Series, type Split } from '@lstm/viz';
import { EXIT, UsageError } from './errors.js';
import { readUserFile } from './files.js';
import { storedBaselines, storedBestEpoch } from './model-metadata.js';
import { emit, terminalWidth } from './viz.js';

export interface RunCurves {
  run: string;
  metric: string;
  epochs: number[];
  /** The metric per split, for metrics kept per split (accuracy, loss, bpc, mse, …). */
  splits: Partial<Record<Split, number[]>>;
  /** The metric itself, for metrics of the whole epoch (grad_norm, lr, seconds). */
  values?: number[];
  best_epoch: number | null;
  /** The task's baselines for this metric, by name ('chance', 'last-step', 'predict-the-mean'). */
  baselines: Record<string, number>;
}

/** Metrics drawn on a log axis: they span orders of magnitude. */
const LOG_METRICS = new Set(['loss', 'mse', 'bpc', 'grad_norm', 'lr']);

/**
 * What the model file says of its run: the epoch the trainer kept (`best_epoch` of the last line
 * of metrics.jsonl wins, written since 0.3) and the task's baselines — never a second opinion
 * computed here.
 */
function storedRun(dir: string, records: Record<string, number>[]): { best: number | null; baselines: Record<string, number> } {
  const fromMetrics = records.at(-1)?.best_epoch;
  const path = join(dir, 'model.safetensors');
  let file: { metadata: { training?: unknown } } = { metadata: {} };
  try {
    const { metadata } = decodeSafetensors(readUserFile(path), path);
    const training = metadata['lstm.training'];
    file = { metadata: { training: training === undefined ? undefined : JSON.parse(training) } };
  } catch {
    // no model file, or one that says nothing usable: the chart marks no epoch and draws no baseline
  }
  const best = Number.isInteger(fromMetrics) ? fromMetrics! : (storedBestEpoch(file, path) ?? null);
  return { best, baselines: storedBaselines(file, path) };
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
  const first = records[0]!;
  const name = metric ?? ('test_bpc' in first ? 'bpc' : 'test_accuracy' in first ? 'accuracy' : 'loss');
  const perSplit = (Object.keys(SPLITS) as Split[]).filter((s) => `${s}_${name}` in first);
  const whole = name in first && name !== 'epoch' && name !== 'best_epoch';
  if (perSplit.length === 0 && !whole) {
    const known = [
      ...new Set(Object.keys(first).flatMap((k) => (k.startsWith('test_') ? [k.slice(5)] : k.includes('_') || k === 'lr' ? [k] : []))),
    ].filter((k) => !k.startsWith('train_') && !k.startsWith('validation_') && k !== 'best_epoch');
    throw new UsageError(`${path} has no metric '${name}'; it has ${known.join(', ')}`);
  }
  const { best, baselines } = storedRun(dir, records);
  const column = (key: string) => records.map((r) => r[key] ?? Number.NaN);
  return {
    run: dir,
    metric: name,
    epochs: records.map((r) => r.epoch!),
    splits: Object.fromEntries(perSplit.map((s) => [s, column(`${s}_${name}`)])),
    ...(perSplit.length === 0 ? { values: column(name) } : {}),
    best_epoch: best,
    baselines: Object.fromEntries(
      Object.entries(baselines).flatMap(([k, v]) => (k.endsWith(` ${name}`) ? [[k.slice(0, -name.length - 1), v]] : [])),
    ),
  };
}

/** Every line of a run: one per split (dashed by split), or the metric itself; all in the run's colour. */
function seriesOf(c: RunCurves, name: string, color: string): Series[] {
  const points = (values: number[]) => c.epochs.map((e, k) => [e, values[k]!] as const);
  if (c.values) return [{ name, points: points(c.values), color }];
  return (Object.keys(c.splits) as Split[]).map((s) => ({
    name: `${name} ${s}`,
    points: points(c.splits[s]!),
    color,
    dashed: SPLITS[s].dash,
  }));
}

/** The curves chart: one colour per run, one dash per split, the trainer's best epochs, the task's baselines. */
export function curvesChart(curves: readonly RunCurves[], names: readonly string[]): string {
  const metric = curves[0]!.metric;
  const percent = metric === 'accuracy';
  const series = curves.flatMap((c, i) => seriesOf(c, names[i]!, runColor(i)));
  const markers = curves.flatMap((c, i) =>
    c.best_epoch === null ? [] : [{ x: c.best_epoch, label: `kept: epoch ${c.best_epoch}`, color: runColor(i) }],
  );
  const seen = new Set<string>();
  const references: Reference[] = curves.flatMap((c) =>
    Object.entries(c.baselines).flatMap(([label, y]) => {
      const key = `${label} ${y}`;
      if (seen.has(key)) return [];
      seen.add(key);
      return [{ y, label: `${label} ${formatValue(y, percent)}` }];
    }),
  );
  const splits = [...new Set(curves.flatMap((c) => Object.keys(c.splits) as Split[]))];
  const legend = [
    ...(curves.length > 1 || splits.length === 0 ? names.map((n, i) => ({ name: n, color: runColor(i) })) : []),
    ...splits.map((s) => ({ name: SPLITS[s].label, color: curves.length > 1 ? '#444' : runColor(0), dashed: SPLITS[s].dash })),
  ];
  const log = LOG_METRICS.has(metric);
  return lineChart(series, {
    title: `${metric.replace('_', ' ')} by epoch`,
    xLabel: 'epoch',
    yLabel: percent ? 'accuracy' : metric.replace('_', ' '),
    yScale: log ? 'log' : 'linear',
    markers,
    references,
    legend,
    ...(percent ? { yDomain: [0, 1] as [number, number] } : {}),
  });
}

/** `lstm viz curves --run DIR [--run DIR2 …]`: learning curves of one or more runs, best epochs marked. */
export function vizCurves(runs: string[], o: { metric?: string; out?: string; json?: boolean }): void {
  const first = readRun(runs[0]!, o.metric);
  const curves = [first, ...runs.slice(1).map((run) => readRun(run, first.metric))];
  // Runs are named by their folder (the whole path only where two folders share a name).
  const folders = curves.map((c) => basename(c.run));
  const names = folders.map((n, i) => (folders.filter((m) => m === n).length > 1 ? curves[i]!.run : n));
  const svg = curvesChart(curves, names);
  if (o.json) process.stdout.write(`${JSON.stringify({ metric: curves[0]!.metric, runs: curves })}\n`);
  emit(svg, o.out, () => curvesPreview(curves, names), o.json);
}

/**
 * The terminal preview: one sparkline per run and split on one shared scale (log for losses), so
 * lines compare as the chart's do, and a key that says what the lowest and highest blocks mean.
 */
function curvesPreview(curves: readonly RunCurves[], names: readonly string[]): string[] {
  const metric = curves[0]!.metric;
  const rows = curves.flatMap((c, i) =>
    c.values
      ? [{ name: names[i]!, values: c.values }]
      : Object.entries(c.splits).map(([s, values]) => ({ name: `${names[i]} ${s}`, values })),
  );
  const log = LOG_METRICS.has(metric);
  const finite = rows.flatMap((r) => r.values).filter((v) => Number.isFinite(v) && (!log || v > 0));
  const domain: [number, number] = [Math.min(...finite), Math.max(...finite)];
  const label = Math.max(...rows.map((r) => r.name.length));
  const width = Math.max(8, terminalWidth() - label - 24);
  const color = useColor(process.stdout, process.env);
  const percent = metric === 'accuracy';
  return [
    ...rows.map(
      (r) =>
        `${r.name.padEnd(label)}  ${sparkline(r.values, { width, color, domain, scale: log ? 'log' : 'linear' })}  last ${formatValue(r.values.at(-1)!, percent)}`,
    ),
    `key: ${color ? '▁' : '.'} = ${formatValue(domain[0], percent)}, ${color ? '█' : '@'} = ${formatValue(domain[1], percent)}${log ? ' (log scale)' : ''}, shared by every line; kept epochs: ${curves.map((c) => c.best_epoch ?? '—').join(', ')}`,
  ];
}
