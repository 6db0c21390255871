import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Series, lineChart, runColor } from '@lstm/viz';
import { EXIT, UsageError } from './errors.js';
import type { TrialRecord } from './trial.js';

/**
 * The per-epoch key behind a summary metric: best_test_accuracy and final_test_accuracy are read
 * from each epoch's test_accuracy.
 */
export const curveKey = (metric: string) => metric.replace(/^(best|final)_/, '');

/** One trial's per-epoch values of `key`, from its metrics.jsonl. */
function curveOf(record: TrialRecord, key: string): Map<number, number> {
  const path = join(record.out, 'metrics.jsonl');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`--curves: ${path} is missing; run lstm sweep report from the folder the sweep ran in`, EXIT.badInput);
  }
  const curve = new Map<number, number>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const epoch = JSON.parse(line) as Record<string, unknown>;
    if (typeof epoch.epoch === 'number' && typeof epoch[key] === 'number') curve.set(epoch.epoch, epoch[key]);
  }
  return curve;
}

/**
 * Each configuration's curve of a metric by epoch: the mean over its trials at each epoch (a trial
 * stopped early counts until it stopped), one colour per configuration.
 */
export function meanCurves(groups: ReadonlyMap<string, TrialRecord[]>, metric: string, baseline: string): Series[] {
  const key = curveKey(metric);
  const series = [...groups.entries()].map(([label, trials], k): Series => {
    const curves = trials.filter((t) => t.status === 'done').map((t) => curveOf(t, key));
    const epochs = [...new Set(curves.flatMap((c) => [...c.keys()]))].sort((a, b) => a - b);
    const points = epochs.map((epoch): [number, number] => {
      const values = curves.flatMap((c) => (c.has(epoch) ? [c.get(epoch)!] : []));
      return [epoch, values.reduce((a, b) => a + b, 0) / values.length];
    });
    return { name: `${label}${label === baseline ? ' (baseline)' : ''} · n=${curves.length}`, points, color: runColor(k) };
  });
  if (series.every((s) => s.points.length === 0))
    throw new UsageError(`--curves: the trials' metrics.jsonl have no ${key} by epoch; pick --metric of one they record`);
  return series;
}

/** `lstm sweep report DIR --curves FILE`: the mean curves on one chart. */
export function curvesChart(groups: ReadonlyMap<string, TrialRecord[]>, metric: string, baseline: string): string {
  const key = curveKey(metric);
  return lineChart(meanCurves(groups, metric, baseline), {
    title: `${key} by epoch: the mean over each configuration's trials`,
    xLabel: 'epoch',
    yLabel: key,
    yScale: key.endsWith('loss') ? 'log' : 'linear',
  });
}
