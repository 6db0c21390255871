// Reading the experiments' runs (tooling/experiments/runs/<experiment>-<cell>/) and writing the
// summaries other pages quote: what report.ts builds its pages from.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const runs = join(root, 'tooling', 'experiments', 'runs');
export const docs = join(root, 'docs', 'results');
export type Row = Record<string, number>;

export function load(name: string): Row[] | null {
  const path = join(runs, name, 'metrics.jsonl');
  if (!existsSync(path)) return null;
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Row);
}

/** Epochs after which a run was resumed (`lstm train --resume` logs them). */
export function resumedAfter(name: string): number[] {
  const path = join(runs, `${name}.log`);
  if (!existsSync(path)) return [];
  return [...readFileSync(path, 'utf8').matchAll(/resuming .* after epoch (\d+)/g)].map((m) => Number(m[1]));
}

/** The row where `key` is largest ('max') or smallest ('min'); the first such row on ties. */
export function extreme(rows: Row[], key: string, mode: 'max' | 'min'): Row {
  const sign = mode === 'max' ? 1 : -1;
  return rows.reduce((a, r) => (sign * r[key]! > sign * a[key]! ? r : a));
}

/** The summary `lstm train --json` printed for a run (empty if the run has not finished). */
export function summaryOf(name: string): { best_epoch?: number; baselines?: Record<string, number> } {
  const path = join(runs, `${name}.summary.json`);
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8') || '{}') : {};
}

/** The epoch whose weights the trainer restored (its `best_epoch`), else the one best by `key`. */
export function restored(name: string, rows: Row[], key: string, mode: 'max' | 'min'): Row {
  const epoch = summaryOf(name).best_epoch;
  return rows.find((r) => r.epoch === epoch) ?? extreme(rows, key, mode);
}

/** Where a run computed: the backend and threads `lstm train` stored with its checkpoint options. */
export function where(name: string): string {
  const path = join(runs, name, 'checkpoint.safetensors');
  if (!existsSync(path)) return 'an unrecorded backend';
  const bytes = readFileSync(path);
  const header = JSON.parse(bytes.subarray(8, 8 + Number(bytes.readBigUInt64LE(0))).toString('utf8')) as {
    __metadata__?: Record<string, string>;
  };
  const run = JSON.parse(header.__metadata__?.['lstm.run'] ?? '{}') as { options?: { backend?: string; threads?: number } };
  const { backend = 'cpu', threads = 1 } = run.options ?? {};
  return `the \`${backend}\` backend with ${threads} thread${threads === 1 ? '' : 's'}`;
}

/** A results page, and the one-line summary the README quotes from it. */
export interface Report {
  page: string;
  summary: string;
}

/** Replaces the README's `<!-- name -->…<!-- /name -->` block (the summary of a results page). */
export function updateReadme(name: string, summary: string): void {
  const path = join(root, 'README.md');
  const readme = readFileSync(path, 'utf8');
  const begin = `<!-- ${name}: written by pnpm --filter @lstm/experiments report ${name} -->`;
  const end = `<!-- /${name} -->`;
  const start = readme.indexOf(begin);
  const stop = readme.indexOf(end);
  if (start < 0 || stop < start) throw new Error(`README.md has no ${begin} … ${end} block`);
  writeFileSync(path, `${readme.slice(0, start + begin.length)}\n  ${summary}\n  ${readme.slice(stop)}`);
}

/** Replaces the result cell of the experiment's row in the site's table of experiments. */
export function updateExperiments(name: string, summary: string): void {
  const path = join(root, 'apps', 'site', 'docs', 'experiments.md');
  const page = readFileSync(path, 'utf8');
  const row = new RegExp(`^(\\| \\*\\*${name.toUpperCase()}\\*\\* +\\|[^|]*\\|)[^|]*(\\|.*)$`, 'm');
  if (!row.test(page)) throw new Error(`${path} has no row for ${name.toUpperCase()}`);
  writeFileSync(
    path,
    page.replace(row, (_, before: string, after: string) => `${before} ${summary.replace(/\s+/g, ' ')} ${after}`),
  );
}
