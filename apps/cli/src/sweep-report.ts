import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { stripChart } from '@lstm/viz';
import { EXIT, UsageError } from './errors.js';
import { holm, summarize, welch, type Summary } from './stats.js';
import { readTrials } from './sweep.js';
import type { TrialRecord } from './trial.js';
import { curvesChart } from './sweep-curves.js';
import { emit } from './viz.js';

export interface ReportOptions {
  /** A key of `lstm train --json`'s summary: best_test_accuracy (default where present), best_test_loss, … */
  metric?: string;
  /** The configuration the others are tested against, as KEY=VALUE,… (default: the first). */
  baseline?: string;
  json?: boolean;
  /** Also draw the strip chart: FILE.svg or FILE.png. */
  out?: string;
  /** Also draw each configuration's mean curve of the metric by epoch: FILE.svg or FILE.png. */
  curves?: string;
  /** Print the table in Markdown (for a results page). */
  markdown?: boolean;
}

/** One configuration's row of the report. */
export interface ReportRow extends Summary {
  config: Record<string, unknown>;
  label: string;
  values: number[];
  diverged: number;
  /** Against the baseline: difference of means, Welch's p and Holm's adjusted p (absent for the baseline). */
  delta?: number;
  p?: number;
  pAdjusted?: number;
}

const labelOf = (config: Record<string, unknown>) =>
  Object.entries(config)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`)
    .join(' ');

/** `lstm sweep report`'s table; `groups` holds each configuration's trial records, by label. */
export interface SweepTable {
  metric: string;
  baseline: string;
  rows: ReportRow[];
  groups: Map<string, TrialRecord[]>;
}

/** The trials of a sweep folder grouped by configuration, with the statistics of `metric`. */
export function sweepTable(out: string, o: ReportOptions = {}): SweepTable {
  if (!existsSync(join(out, 'trials.jsonl')))
    throw new UsageError(`${out} has no trials.jsonl; run lstm sweep --out ${out} first`, EXIT.badInput);
  const records = [...readTrials(out).values()].sort((a, b) => a.index - b.index || a.seed - b.seed);
  if (records.length === 0) throw new UsageError(`${out}/trials.jsonl holds no finished trial yet`, EXIT.badInput);
  const metric = o.metric ?? (records.some((r) => r.summary?.best_test_accuracy !== undefined) ? 'best_test_accuracy' : 'best_test_loss');
  const known = new Set(records.flatMap((r) => Object.keys(r.summary ?? {})));
  if (!known.has(metric))
    throw new UsageError(
      `--metric ${metric}: the trials report ${[...known].filter((k) => typeof records[0]?.summary?.[k] === 'number').join(', ')}`,
    );
  const groups = new Map<string, TrialRecord[]>();
  for (const r of records) {
    const label = labelOf(r.config);
    groups.set(label, [...(groups.get(label) ?? []), r]);
  }
  const rows: ReportRow[] = [...groups.entries()].map(([label, trials]) => {
    const values = trials.flatMap((t) => (typeof t.summary?.[metric] === 'number' ? [t.summary[metric] as number] : []));
    return {
      label,
      config: trials[0]!.config,
      values,
      diverged: trials.filter((t) => t.status === 'diverged').length,
      ...summarize(values),
    };
  });
  const wanted = o.baseline
    ? o.baseline
        .split(',')
        .map((s) => s.trim())
        .sort()
        .join(' ')
    : null;
  const baseline = wanted ? rows.find((r) => r.label.split(' ').sort().join(' ') === wanted) : rows[0];
  if (!baseline)
    throw new UsageError(
      `--baseline ${o.baseline}: no configuration is ${o.baseline}; the sweep has ${rows.map((r) => r.label).join('; ')}`,
    );
  const others = rows.filter((r) => r !== baseline);
  for (const r of others) {
    r.delta = r.mean - baseline.mean;
    r.p = welch(r.values, baseline.values).p;
  }
  const adjusted = holm(others.map((r) => r.p!));
  others.forEach((r, k) => {
    r.pAdjusted = adjusted[k];
  });
  return { metric, baseline: baseline.label, rows, groups };
}

const fixed = (x: number, digits = 4) => (Number.isFinite(x) ? x.toFixed(digits) : '—');
const pValue = (p: number | undefined) => (p === undefined || Number.isNaN(p) ? '—' : p < 1e-4 ? '< 0.0001' : p.toFixed(4));

/** `lstm sweep report DIR`: a table per configuration (mean, 95% interval, n; Welch against the baseline, Holm-adjusted). */
export function sweepReport(out: string, o: ReportOptions): void {
  const table = sweepTable(out, o);
  if (o.out) {
    const svg = stripChart(
      table.rows.map((r) => ({
        label: r.label,
        values: r.values,
        mean: r.mean,
        low: r.low,
        high: r.high,
        baseline: r.label === table.baseline,
      })),
      {
        title: `${table.metric}: each trial, the mean and its 95% interval`,
        yLabel: table.metric,
        yScale: table.metric.endsWith('loss') ? 'log' : 'linear', // an MSE spans decades
      },
    );
    emit(svg, o.out, () => [], true);
  }
  if (o.curves) emit(curvesChart(table.groups, table.metric, table.baseline), o.curves, () => [], true);
  if (o.json) {
    const { groups: _groups, ...rest } = table;
    process.stdout.write(`${JSON.stringify(rest)}\n`);
    return;
  }
  const header = ['configuration', 'n', `mean ${table.metric}`, '95% interval', 'Δ vs baseline', 'p (Welch)', 'p (Holm)'];
  const lines = table.rows.map((r) => [
    `${r.label}${r.label === table.baseline ? ' (baseline)' : ''}`,
    `${r.n}${r.diverged ? ` (+${r.diverged} diverged)` : ''}`,
    fixed(r.mean),
    Number.isFinite(r.low) ? `${fixed(r.low)} … ${fixed(r.high)}` : '—',
    r.delta === undefined ? '' : `${r.delta >= 0 ? '+' : ''}${fixed(r.delta)}`,
    pValue(r.p),
    pValue(r.pAdjusted),
  ]);
  const comparisons = table.rows.length - 1;
  const note = `${comparisons} comparison(s) with the baseline by Welch's t-test; p (Holm) is adjusted for all ${comparisons} by Holm's step-down method (family-wise error 5% at p < 0.05).`;
  if (o.markdown) {
    const cells = (row: string[]) => `| ${row.join(' | ')} |`;
    process.stdout.write(`${[cells(header), cells(header.map(() => '---')), ...lines.map(cells), '', note].join('\n')}\n`);
    return;
  }
  const widths = header.map((h, k) => Math.max(h.length, ...lines.map((l) => l[k]!.length)));
  const row = (cells: string[]) =>
    cells
      .map((c, k) => c.padEnd(widths[k]!))
      .join('  ')
      .trimEnd();
  process.stdout.write(`${[row(header), row(widths.map((w) => '-'.repeat(w))), ...lines.map(row), '', note].join('\n')}\n`);
}
