import { cpu } from '@lstm/backend-cpu';
import { type Backend, LSTM_VARIANTS, LstmError, type LstmVariant, listBackends, registerBackend, setBackend } from '@lstm/core';
import { TFJS_BACKENDS, tfjs } from '@lstm/backend-tfjs';
import { wasm } from '@lstm/backend-wasm';
import { webgpu } from '@lstm/backend-webgpu';
import { CELL_TYPES, CELLS as CELL_REGISTRY, SequenceModel } from '@lstm/layers';
import {
  Adam,
  AdamW,
  CosineAnnealingLR,
  ExponentialLR,
  RMSprop,
  ReduceLROnPlateau,
  SGD,
  StepLR,
  type Optimizer,
  type Schedule,
} from '@lstm/optim';
import {
  TASK_NAMES,
  cellOf,
  generatedTask,
  hasForgetGate,
  modelOptions,
  series,
  text,
  type AnyTask,
  type ModelSpec,
  type StoredTaskOptions,
} from '@lstm/tasks';
import { co2Csv, sotuText } from '@lstm/tasks/node';
import { EXIT, UsageError } from './errors.js';
import { readUserFile } from './files.js';

export const TASKS = TASK_NAMES;
/**
 * --cell: every registered cell, and every LSTM variant as a shorthand (`--cell nfg` is `--cell lstm
 * --variant nfg`), so one sweep grid can span variants and cells.
 */
export const CELLS = [...CELL_TYPES, ...(Object.keys(LSTM_VARIANTS) as LstmVariant[]).filter((v) => v !== 'standard')] as const;
export const OPTIMIZERS = ['adam', 'adamw', 'sgd', 'momentum', 'nesterov', 'rmsprop'] as const;
export const SCHEDULES = ['none', 'step', 'exponential', 'cosine', 'plateau'] as const;

/** Options that define the data; stored with the model so `eval` can rebuild the same task. */
export type TaskOptions = StoredTaskOptions;

function readText(path: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(readUserFile(path));
  } catch (error) {
    if (error instanceof TypeError)
      throw new UsageError(`${path} is not UTF-8 text; convert it (iconv -t UTF-8) or give another --data file`, EXIT.badInput);
    throw error;
  }
}

/** Builds (or rebuilds, from a model file's stored options) a task. */
export function buildTask(o: TaskOptions): AnyTask {
  const generated = generatedTask(o);
  if (generated) {
    if (o.data) throw new UsageError(`--data is for the text and series tasks; '${o.task}' generates its own data`);
    return generated;
  }
  if (o.task === 'text') {
    const source = o.data ? readText(o.data) : sotuText(o.sotuFrom ?? 2000);
    return text(source, {
      maxChars: o.maxChars ?? (o.data ? undefined : 300_000),
      source: o.data ?? `State of the Union, ${o.sotuFrom ?? 2000}–`,
    });
  }
  // series: the tasks that are neither generated nor text.
  const csv = o.data ? readText(o.data) : co2Csv();
  const columns = o.columns ?? (o.data ? undefined : ['CO2']);
  return series(csv, {
    columns,
    target: o.target,
    window: o.seqLen,
    season: o.season,
    source: o.data ?? 'vega-datasets co2-concentration.csv',
  });
}

/** The model flags of `lstm train`: @lstm/tasks' ModelSpec, with pins as typed ('f=1'). */
export interface ModelOptions extends Omit<ModelSpec, 'pin'> {
  pin?: string[];
}

/** `--pin f=1 o=0.5` as { f: 1, o: 0.5 }: a gate of i, f, o, once each, and a number. */
export function parsePins(pins: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pin of pins) {
    const match = /^([a-z]+)=(.+)$/.exec(pin.trim());
    const value = match ? Number(match[2]) : Number.NaN;
    if (!match || !Number.isFinite(value)) throw new UsageError(`--pin ${pin}: write GATE=VALUE, e.g. --pin f=1`);
    if (match[1]! in out) throw new UsageError(`--pin names gate ${match[1]} twice; pin each gate once`);
    out[match[1]!] = value;
  }
  return out;
}

/** The model `lstm train` asks for, by the recipe the playground shares (@lstm/tasks `modelOptions`), its flags checked. */
export function buildModel(task: AnyTask, o: ModelOptions): SequenceModel {
  const shorthand = Object.hasOwn(LSTM_VARIANTS, o.cell) && !Object.hasOwn(CELL_REGISTRY, o.cell);
  if (shorthand && o.variant)
    throw new UsageError(`--cell ${o.cell} is the LSTM variant ${o.cell}; give --cell lstm --variant ${o.variant} instead`);
  if (!shorthand && o.cell !== 'lstm' && (o.variant || o.pin))
    throw new UsageError(`${o.variant ? '--variant' : '--pin'} applies to LSTMs; a ${o.cell} cell has none — drop it, or use --cell lstm`);
  if (o.layers === 1 && o.dropout) throw new UsageError('--dropout acts between stacked layers; use it with --layers 2 or more');
  const spec = { ...o, pin: o.pin ? parsePins(o.pin) : undefined };
  if (o.forgetBias !== undefined && !CELL_REGISTRY[cellOf(o.cell).cell].hasCellState)
    throw new UsageError(`--forget-bias sets the bias of an LSTM's forget gate; a ${o.cell} cell has none — drop it, or use --cell lstm`);
  if (o.forgetBias !== undefined && !hasForgetGate(spec))
    throw new UsageError("--forget-bias sets the forget gate's bias; this LSTM's forget gate is pinned or absent — drop --forget-bias");
  const options = modelOptions(task, spec);
  if (options.readout === 'all' && o.bidirectional)
    throw new UsageError(`--bidirectional would let the ${task.name} model see the future it must predict; drop it for this task`);
  return new SequenceModel(options);
}

export interface OptimOptions {
  optimizer: (typeof OPTIMIZERS)[number];
  lr: number;
  weightDecay?: number;
  momentum?: number;
  schedule?: (typeof SCHEDULES)[number];
  stepSize?: number;
  gamma?: number;
  epochs: number;
}

export function buildOptimizer(model: SequenceModel, o: OptimOptions): { optimizer: Optimizer; schedule?: Schedule } {
  const parameters = model.parameters();
  const common = { lr: o.lr, weightDecay: o.weightDecay };
  const optimizer = {
    adam: () => new Adam(parameters, common),
    adamw: () => new AdamW(parameters, { lr: o.lr, weightDecay: o.weightDecay ?? 0.01 }),
    sgd: () => new SGD(parameters, common),
    momentum: () => new SGD(parameters, { ...common, momentum: o.momentum ?? 0.9 }),
    nesterov: () => new SGD(parameters, { ...common, momentum: o.momentum ?? 0.9, nesterov: true }),
    rmsprop: () => new RMSprop(parameters, { ...common, momentum: o.momentum ?? 0 }),
  }[o.optimizer]();
  const kind = o.schedule ?? (o.stepSize !== undefined ? 'step' : 'none');
  if (o.stepSize !== undefined && kind !== 'step') throw new UsageError(`--step-size is for --schedule step, not ${kind}`);
  const schedule = {
    none: () => undefined,
    step: () => {
      if (o.stepSize === undefined) throw new UsageError('--schedule step needs --step-size N (and --gamma X, default 0.1)');
      return new StepLR(optimizer, o.stepSize, o.gamma ?? 0.1);
    },
    exponential: () => new ExponentialLR(optimizer, o.gamma ?? 0.95),
    cosine: () => new CosineAnnealingLR(optimizer, o.epochs),
    plateau: () => new ReduceLROnPlateau(optimizer, { factor: o.gamma ?? 0.1 }),
  }[kind]();
  return { optimizer, schedule };
}

/**
 * Registers the backends and makes `name` active. The backend, its thread count and `fma` are
 * options, so whatever is wrong with them is a usage error (exit 2): an unknown name gets "did you
 * mean" and the backends usable on this machine. Commands that read the device synchronously
 * (predict, generate, viz…) leave `asyncReads` false: a backend that reads asynchronously (webgpu)
 * is then refused with the ones that would do.
 */
export async function selectBackend(name = 'cpu', threads = 1, { asyncReads = false, fma = false } = {}): Promise<Backend> {
  if (fma && name !== 'wasm')
    throw new UsageError(`--fma is backend-wasm's fused multiply-add; add --backend wasm or drop --fma (--backend ${name})`);
  try {
    registerAll(threads, fma);
  } catch (error) {
    if (error instanceof LstmError) throw new UsageError(`--threads ${threads}: ${error.message}`);
    throw error;
  }
  const known = listBackends();
  if (!known.includes(name)) {
    const guess = closest(name, known);
    const usable = (await probeBackends()).filter((b) => b.usable).map((b) => b.name);
    throw new UsageError(
      `unknown backend '${name}'${guess ? `; did you mean '${guess}'?` : ''} Usable here: ${usable.join(', ')} (see lstm backends)`,
    );
  }
  let backend: Backend;
  try {
    backend = await setBackend(name);
  } catch (error) {
    if (error instanceof LstmError) throw new UsageError(`--backend ${name}: ${error.message}`);
    throw error;
  }
  if (!asyncReads && !backend.readSync)
    throw new UsageError(`--backend ${name} reads the device asynchronously, which only train and eval do; use cpu or wasm here`);
  return backend;
}

/** Each registered backend, whether it starts on this machine and why not (each is tried; the last tried stays active). */
export async function probeBackends(): Promise<{ name: string; usable: boolean; why: string | null }[]> {
  const rows: { name: string; usable: boolean; why: string | null }[] = [];
  for (const name of listBackends()) {
    const why = await setBackend(name).then(
      () => null,
      (error: unknown) => (error instanceof Error ? error.message.replace(/^[^:]*: /, '').replace(/; usable here:.*$/, '') : String(error)),
    );
    rows.push({ name, usable: why === null, why });
  }
  return rows;
}

/** The known name closest to a mistyped one: containing it (webgl → tfjs-webgl) or within two edits. */
export function closest(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const containing = known.filter((k) => k.includes(lower) || lower.includes(k));
  if (containing.length === 1) return containing[0];
  const ranked = known.map((k) => ({ k, d: editDistance(lower, k) })).sort((a, b) => a.d - b.d);
  const best = ranked[0];
  return best && best.d <= 2 ? best.k : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** Every backend the CLI ships: cpu, wasm, and tfjs-wasm, tfjs-cpu, tfjs-webgl (a browser's only). */
export function registerAll(threads = 1, fma = false): void {
  registerBackend(cpu({ threads }));
  registerBackend(wasm({ threads, fma }));
  for (const backend of TFJS_BACKENDS) if (backend !== 'webgpu') registerBackend(tfjs({ backend, warnings: false }));
  registerBackend(webgpu());
}
