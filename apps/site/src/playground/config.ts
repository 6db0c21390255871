/**
 * The playground's configuration: every choice on the page and the seed. It lives in the URL's
 * query string, so a shared link reproduces the run; a link that is mistyped or edited by hand is
 * refused in one line naming the bad value, and the page keeps the defaults.
 */

import { LSTM_VARIANTS, type LstmForm, type LstmVariant } from '@lstm/core';

/** The name a page-trained text model stores as its data file: `lstm eval --data FILE` needs that text. */
export const TEXT_FILE = 'playground-text.txt';

export const TASKS = ['first-last', 'adding', 'copy', 'text'] as const;
/** The page's cells: the LSTM and its variants (Greff et al.'s too), LayerNorm-LSTM, GRU and RNN. */
export const CELLS = ['lstm', 'peephole', 'coupled', 'nig', 'nfg', 'nog', 'niaf', 'noaf', 'cifg', 'fgr', 'ln-lstm', 'gru', 'rnn'] as const;
/** A gate of an LSTM held constant instead of learned (`lstm train --pin`), or none. */
export const PINS = ['none', 'f=1', 'f=0.5', 'i=1', 'i=0', 'o=1'] as const;
/** 'auto': the fastest of wasm, webgpu and cpu, measured on the visitor's machine when the page starts. */
export const BACKENDS = ['auto', 'wasm', 'webgpu', 'cpu', 'webgl'] as const;

export type TaskName = (typeof TASKS)[number];
export type CellName = (typeof CELLS)[number];
export type PinChoice = (typeof PINS)[number];
export type BackendChoice = (typeof BACKENDS)[number];

export interface PlaygroundConfig {
  task: TaskName;
  /** Sequence length (first-last, adding), delay (copy) or truncated-BPTT length (text). */
  seqLen: number;
  cell: CellName;
  /** LSTM cells: a gate held at a constant ('f=1'), or 'none'. */
  pin: PinChoice;
  hidden: number;
  layers: number;
  lr: number;
  /** Global-norm clipping threshold; 0 turns clipping off. */
  clip: number;
  /** Initial forget-gate bias of LSTM cells (0: PyTorch's default initialisation). */
  forgetBias: number;
  backend: BackendChoice;
  seed: number;
  epochs: number;
  /** Training sequences per epoch (not used by text, whose epoch is one pass over the text). */
  trainSize: number;
  /** Text: 'builtin' (the Gettysburg Address) or 'custom' (pasted or uploaded; not in the URL). */
  text: 'builtin' | 'custom';
}

export const DEFAULTS: PlaygroundConfig = {
  task: 'first-last',
  seqLen: 20,
  cell: 'lstm',
  pin: 'none',
  hidden: 16,
  layers: 1,
  lr: 0.01,
  clip: 1,
  forgetBias: 1,
  backend: 'auto',
  seed: 1,
  epochs: 30,
  trainSize: 1000,
  text: 'builtin',
};

export type NumberSetting = 'seqLen' | 'hidden' | 'layers' | 'lr' | 'clip' | 'forgetBias' | 'seed' | 'epochs' | 'trainSize';

/** Allowed ranges of the numeric settings: what the page's controls offer, and what a URL may say. */
export const RANGES: Record<
  'seqLen' | 'hidden' | 'layers' | 'lr' | 'clip' | 'forgetBias' | 'seed' | 'epochs' | 'trainSize',
  [number, number]
> = {
  seqLen: [2, 200],
  hidden: [1, 256],
  layers: [1, 3],
  lr: [1e-5, 1],
  clip: [0, 100],
  forgetBias: [0, 5],
  seed: [0, 2 ** 31 - 1],
  epochs: [1, 500],
  trainSize: [50, 20000],
};

const INTEGERS = new Set(['seqLen', 'hidden', 'layers', 'seed', 'epochs', 'trainSize']);
const CHOICES: Record<string, readonly string[]> = { task: TASKS, cell: CELLS, pin: PINS, backend: BACKENDS, text: ['builtin', 'custom'] };

/** A configuration problem, with the message the page shows. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Checks one setting; returns the parsed value or throws a ConfigError that names the fix. */
function parseSetting(key: keyof PlaygroundConfig, raw: string): string | number {
  const choices = CHOICES[key];
  if (choices) {
    if (!choices.includes(raw)) throw new ConfigError(`${key} '${raw}' is not one of ${choices.join(', ')}`);
    return raw;
  }
  const range = RANGES[key as keyof typeof RANGES];
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) throw new ConfigError(`${key} must be a number, got '${raw}'`);
  if (INTEGERS.has(key) && !Number.isInteger(value)) throw new ConfigError(`${key} must be a whole number, got ${raw}`);
  if (value < range[0] || value > range[1]) throw new ConfigError(`${key} must be between ${range[0]} and ${range[1]}, got ${raw}`);
  return value;
}

/** The LSTM form of a page cell ('lstm' is the standard one), or undefined for the other cells. */
const lstmFormOf = (cell: CellName): LstmForm | undefined =>
  cell === 'lstm' ? LSTM_VARIANTS.standard : Object.hasOwn(LSTM_VARIANTS, cell) ? LSTM_VARIANTS[cell as LstmVariant] : undefined;

/** What an LSTM cell of the page computes with its pin (a valid configuration's), or undefined for the other cells. */
export function pinnedLstmForm(cell: CellName, pin: PinChoice): LstmForm | undefined {
  const form = lstmFormOf(cell);
  if (!form || pin === 'none') return form;
  return { ...form, [pin[0]!]: Number(pin.slice(2)) };
}

/** Checks a whole configuration (from the controls or a loaded model), throwing at the first bad value. */
export function validateConfig(config: PlaygroundConfig): PlaygroundConfig {
  for (const key of Object.keys(DEFAULTS) as (keyof PlaygroundConfig)[]) parseSetting(key, String(config[key]));
  if (config.pin !== 'none') {
    const gate = config.pin[0] as 'i' | 'f' | 'o';
    const form = lstmFormOf(config.cell);
    if (!form) throw new ConfigError(`pinned gates belong to the LSTM cells; a ${config.cell} has none — pin none`);
    if (form.gateRecurrence) throw new ConfigError(`the ${config.cell} cell feeds every gate of i, f, o back into the others; pin none`);
    if (form[gate] !== 'learned')
      throw new ConfigError(`the ${config.cell} cell has no learned ${gate} gate to pin; pin another gate or none`);
  }
  if (config.layers > 1 && config.hidden * config.layers > 512)
    throw new ConfigError('hidden × layers must stay at or below 512 in a page');
  return config;
}

/** The configuration a query string describes (defaults for what it leaves out). */
export function configFromQuery(query: string): PlaygroundConfig {
  const params = new URLSearchParams(query);
  const config: Record<string, string | number> = { ...DEFAULTS };
  for (const [key, raw] of params) {
    if (!(key in DEFAULTS)) throw new ConfigError(`the link has an unknown setting '${key}'; known: ${Object.keys(DEFAULTS).join(', ')}`);
    config[key] = parseSetting(key as keyof PlaygroundConfig, raw);
  }
  return validateConfig(config as unknown as PlaygroundConfig);
}

/** The query string of a configuration: every setting, so the link does not depend on future defaults. */
export function queryOf(config: PlaygroundConfig): string {
  const params = new URLSearchParams();
  for (const key of Object.keys(DEFAULTS) as (keyof PlaygroundConfig)[]) params.set(key, String(config[key]));
  return params.toString();
}

/** The numeric controls of the page, in order, with their ranges. */
export const NUMBER_FIELDS: readonly { key: NumberSetting; label: string; step: number; min: number; max: number }[] = (
  [
    ['seqLen', 'Sequence length', 1],
    ['trainSize', 'Training sequences', 50],
    ['hidden', 'Hidden units', 1],
    ['layers', 'Layers', 1],
    ['forgetBias', 'Forget-gate bias (0: default init)', 0.5],
    ['lr', 'Learning rate (Adam)', 0.001],
    ['clip', 'Clip gradient norm (0: off)', 0.5],
    ['epochs', 'Epochs', 1],
    ['seed', 'Seed', 1],
  ] as const
).map(([key, label, step]) => ({ key, label, step, min: RANGES[key][0], max: RANGES[key][1] }));
