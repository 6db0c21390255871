import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '@lstm/core';
import { parse as parseYaml } from 'yaml';
import { EXIT, UsageError } from './errors.js';
import { trainCommand } from './train-command.js';

/**
 * What a sweep runs (issue 24): `base` options shared by every trial, a `grid` (every combination
 * of its values) or `random` draws from it, and `seeds` runs of each configuration. Keys are
 * `lstm train`'s options without the dashes (`lr`, `forget-bias`; camelCase is read too), values
 * what the option takes (true for a flag, a list for a repeatable option such as `pin`).
 */
export interface SweepSpec {
  base: Record<string, unknown>;
  grid: Record<string, unknown[]>;
  /** Draw this many configurations from the grid at random (with the sweep's seed) instead of all. */
  random?: number;
  seeds: number;
}

/** One trial: its configuration (the grid's values), its seed, its folder and its `lstm train` arguments. */
export interface Trial {
  id: string;
  /** Its configuration's place in the sweep (grid order): reports list configurations in it. */
  index: number;
  config: Record<string, unknown>;
  seed: number;
  out: string;
  args: string[];
}

/** Options the sweep sets for each trial itself. */
const OWN = new Set(['out', 'seed', 'resume', 'force', 'json', 'quiet']);

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** A sweep file (JSON or YAML): { base, grid, random, seeds }, checked. */
export function readSweepFile(path: string): Partial<SweepSpec> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`--spec ${path}: no such file; give a JSON or YAML sweep file`, EXIT.badInput);
  }
  let value: unknown;
  try {
    value = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `--spec ${path} is not valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'}: ${(error as Error).message.split('\n')[0]}`,
      EXIT.badInput,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new UsageError(`--spec ${path}: expected an object with base, grid, seeds (and random)`, EXIT.badInput);
  const known = new Set(['base', 'grid', 'random', 'seeds']);
  const unknown = Object.keys(value).filter((k) => !known.has(k));
  if (unknown.length)
    throw new UsageError(`--spec ${path}: unknown key ${unknown.join(', ')}; a sweep file has base, grid, random and seeds`, EXIT.badInput);
  return value as Partial<SweepSpec>;
}

/** `--grid KEY=V1,V2` flags as a grid: numbers where they parse, else strings. */
export function parseGridFlags(flags: readonly string[]): Record<string, unknown[]> {
  const grid: Record<string, unknown[]> = {};
  for (const flag of flags) {
    const at = flag.indexOf('=');
    if (at <= 0 || at === flag.length - 1) throw new UsageError(`--grid ${flag}: write KEY=V1,V2,…, e.g. --grid lr=1e-3,3e-3`);
    grid[flag.slice(0, at)] = flag
      .slice(at + 1)
      .split(',')
      .map((v) => (v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v));
  }
  return grid;
}

/** An option and its value as `lstm train` arguments. */
function argsOf(key: string, value: unknown): string[] {
  const flag = `--${kebab(key)}`;
  if (value === true) return [flag];
  if (value === false || value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap((v) => [flag, String(v)]);
  return [flag, String(value)];
}

/** A folder name from a configuration and seed: `variant-nfg_lr-0.003_seed-2`. */
function folderOf(config: Record<string, unknown>, seed: number): string {
  const part = (value: unknown) => String(Array.isArray(value) ? value.join('+') : value).replace(/[^A-Za-z0-9.+=-]/g, '_');
  return [...Object.entries(config).map(([k, v]) => `${kebab(k)}-${part(v)}`), `seed-${seed}`].join('_');
}

/**
 * Every trial of a spec, in a fixed order (configurations in grid order, then seeds), each checked
 * (`shared` arguments first, then the base's and the grid's options) by `lstm train`'s own option parser: an unknown option or a bad value is refused here, in one
 * line naming the trial, before anything runs.
 */
export function expandTrials(spec: SweepSpec, out: string, shared: readonly string[] = []): Trial[] {
  for (const key of [...Object.keys(spec.base), ...Object.keys(spec.grid)]) {
    if (OWN.has(kebab(key))) throw new UsageError(`sweep: '${key}' is set by the sweep for each trial; remove it from the grid and base`);
  }
  const keys = Object.keys(spec.grid);
  const notList = keys.find((k) => !Array.isArray(spec.grid[k]));
  if (notList)
    throw new UsageError(`sweep: grid '${notList}' must be a list of values, e.g. ${notList}: [${JSON.stringify(spec.grid[notList])}]`);
  if (keys.length === 0 || keys.some((k) => spec.grid[k]!.length === 0))
    throw new UsageError('sweep: the grid is empty; give each swept option at least one value, e.g. --grid lr=1e-3,3e-3');
  if (typeof spec.base !== 'object' || spec.base === null || Array.isArray(spec.base))
    throw new UsageError('sweep: base must be an object of lstm train options, e.g. base: { task: first-last }');
  if (!Number.isInteger(spec.seeds) || spec.seeds < 1) throw new UsageError(`sweep: seeds must be a whole number ≥ 1, got ${spec.seeds}`);
  let configs: Record<string, unknown>[] = [{}];
  for (const key of keys) configs = configs.flatMap((c) => spec.grid[key]!.map((v) => ({ ...c, [key]: v })));
  if (spec.random !== undefined) {
    if (!Number.isInteger(spec.random) || spec.random < 1)
      throw new UsageError(`sweep: random must be a whole number ≥ 1, got ${spec.random}`);
    const rng = Rng.derive(0, 'sweep');
    const drawn = new Set<number>();
    while (drawn.size < Math.min(spec.random, configs.length)) drawn.add(Math.floor(rng.uniform(0, configs.length)));
    configs = [...drawn].sort((a, b) => a - b).map((k) => configs[k]!);
  }
  const trials = configs.flatMap((config, index) =>
    Array.from({ length: spec.seeds }, (_, seed): Trial => {
      const dir = join(out, 'trials', folderOf(config, seed));
      const options = { ...spec.base, ...config };
      const args = [...shared, ...Object.entries(options).flatMap(([k, v]) => argsOf(k, v)), '--seed', String(seed), '--out', dir];
      return { id: folderOf(config, seed), index, config, seed, out: dir, args };
    }),
  );
  for (const trial of trials) checkTrial(trial);
  return trials;
}

/** Parses a trial's arguments as `lstm train` would, throwing its complaint as a one-line usage error. */
function checkTrial(trial: Trial): void {
  const command = trainCommand()
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: () => {} })
    .action(() => {});
  try {
    command.parse(trial.args, { from: 'user' });
  } catch (error) {
    const message = (error as Error).message.replace(/^error: /, '');
    throw new UsageError(`sweep: trial ${trial.id}: ${message}`);
  }
  if (!command.opts().task)
    throw new UsageError('sweep: every trial needs a task; put task in the base (-- --task first-last) or the grid');
}
