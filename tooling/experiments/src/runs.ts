// Reading the experiments' runs (tooling/experiments/runs/<experiment>-<cell>/) and writing the
// summaries other pages quote: what report.ts builds its pages from.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const runs = join(root, 'tooling', 'experiments', 'runs');
export const docs = join(root, 'docs', 'results');
export type Row = Record<string, number>;

/** A run folder's metrics.jsonl, one record per epoch. */
export function readMetrics(dir: string): Row[] {
  return readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Row);
}

/** An experiment's run (tooling/experiments/runs/NAME), or null when it has not been run. */
export function load(name: string): Row[] | null {
  return existsSync(join(runs, name, 'metrics.jsonl')) ? readMetrics(join(runs, name)) : null;
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

/** Where a generated block sits in a page: between a `begin` and an `end` marker (HTML comments). */
export interface Block {
  begin: string;
  end: string;
}

/** The text between a block's markers, trimmed, or null when the page has no such block. */
export function readBlock(page: string, { begin, end }: Block): string | null {
  const start = page.indexOf(begin);
  const stop = page.indexOf(end);
  return start < 0 || stop < start ? null : page.slice(start + begin.length, stop).trim();
}

/** Replaces the text between a block's markers in the file at `path` (each line of it indented by `indent`). */
export function writeBlock(path: string, block: Block, body: string, indent = ''): void {
  const page = readFileSync(path, 'utf8');
  if (readBlock(page, block) === null) throw new Error(`${path} has no ${block.begin} … ${block.end} block`);
  const start = page.indexOf(block.begin) + block.begin.length;
  const lines = body.split('\n').map((line) => `${indent}${line}`);
  writeFileSync(path, `${page.slice(0, start)}\n${lines.join('\n')}\n${indent}${page.slice(page.indexOf(block.end))}`);
}

/** Replaces the README's summary of a results page (`<!-- e1: … -->` … `<!-- /e1 -->`). */
export function updateReadme(name: string, summary: string): void {
  const block = { begin: `<!-- ${name}: written by pnpm --filter @lstm/experiments report ${name} -->`, end: `<!-- /${name} -->` };
  writeBlock(join(root, 'README.md'), block, summary, '  ');
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
