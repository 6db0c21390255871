import { SequenceModel, type ModelFile } from '@lstm/layers';
import { generatedTask, modelOptions, text, type AnyTask, type StoredTaskOptions } from '@lstm/tasks';
import { ConfigError, DEFAULTS, PINS, TEXT_FILE, validateConfig, type CellName, type PinChoice, type PlaygroundConfig } from './config.js';
import { GETTYSBURG } from './corpus.js';

/** Validation and test sequences of the generated tasks: enough for a stable accuracy, cheap to evaluate. */
const VALIDATION_SIZE = 250;
const TEST_SIZE = 500;
/** The most sequences (all splits) and steps a page builds a task of, whatever a model file says. */
const MAX_SEQUENCES = 50_000;
const MAX_STEPS = 1000;

/** A task's options in the CLI's vocabulary: what a model file stores and `lstm eval` rebuilds from. */
export type TaskOptions = StoredTaskOptions;

/** The task options of a page configuration (stored with its models). */
export function taskOptionsOf(config: PlaygroundConfig): TaskOptions {
  if (config.task === 'text') return { task: 'text', data: TEXT_FILE, seed: config.seed };
  return {
    task: config.task,
    seqLen: config.seqLen,
    trainSize: config.trainSize,
    validationSize: VALIDATION_SIZE,
    testSize: TEST_SIZE,
    seed: config.seed,
  };
}

/** The text the text task trains on: the pasted or uploaded one, or the built-in speech. */
export function sourceText(config: Pick<PlaygroundConfig, 'text'>, custom: string | undefined): string {
  if (config.text === 'builtin') return GETTYSBURG;
  if (custom === undefined || custom.trim() === '')
    throw new ConfigError('the text box is empty: paste or upload some text, or choose the built-in text');
  return custom;
}

/** Control characters other than tab and line breaks, or U+FFFD (bytes a UTF-8 decoder could not read). */
function hasBinary(source: string): boolean {
  for (let i = 0; i < source.length; i++) {
    const code = source.charCodeAt(i);
    if ((code < 32 && code !== 9 && code !== 10 && code !== 13) || code === 0xfffd) return true;
  }
  return false;
}

/** Refuses text a character model cannot use, in one line. */
export function checkText(source: string, seqLen: number): void {
  if (hasBinary(source))
    throw new ConfigError('the text holds control characters or undecodable bytes — is it a binary file? Give plain UTF-8 text');
  const chars = Array.from(source).length;
  if (chars < 20 * seqLen)
    throw new ConfigError(
      `the text has ${chars} characters, too short for sequences of ${seqLen}: give at least ${20 * seqLen} characters or shorten the sequence length`,
    );
}

/** Builds the task exactly as `lstm train` and `lstm eval` do from the same options (text: from `source`). */
export function buildTask(o: TaskOptions, source: string): AnyTask {
  const total = (o.trainSize ?? 0) + (o.validationSize ?? 0) + (o.testSize ?? 0);
  if (total > MAX_SEQUENCES || (o.seqLen ?? 0) > MAX_STEPS)
    throw new ConfigError(
      `the task is too large for a page (${total} sequences of ${o.seqLen} steps; at most ${MAX_SEQUENCES} of ${MAX_STEPS})`,
    );
  const generated = generatedTask(o);
  if (generated) return generated;
  if (o.task === 'text') return text(source, { source: o.data ?? 'the Gettysburg Address' });
  throw new ConfigError('the playground has no series task; forecast with lstm forecast');
}

/** 'f=1' as { f: 1 }; 'none' as no pins. */
function pinsOf(config: PlaygroundConfig): Record<string, number> {
  return config.pin === 'none' ? {} : { [config.pin[0]!]: Number(config.pin.slice(2)) };
}

/**
 * The model the configuration asks for, by the recipe `lstm train` uses (@lstm/tasks
 * `modelOptions`: same names, same initialisation); the forget-gate bias goes where there is a
 * forget gate to take it.
 */
export function buildModel(config: PlaygroundConfig, task: AnyTask): SequenceModel {
  return new SequenceModel(
    modelOptions(task, {
      cell: config.cell,
      pin: pinsOf(config),
      hidden: config.hidden,
      layers: config.layers,
      seed: config.seed,
      ...(config.forgetBias > 0 ? { forgetBias: config.forgetBias } : {}),
    }),
  );
}

const PLAYGROUND_TASKS = new Set(['first-last', 'adding', 'copy', 'text']);

/**
 * The configuration a model file implies (its architecture and the task stored with it), on top
 * of the current one for what the file does not say. Refuses, in one line, a file the playground
 * cannot use.
 */
export function configOfModel(file: ModelFile, current: PlaygroundConfig, name: string, hasCustomText = false): PlaygroundConfig {
  const a = file.architecture;
  const stored = file.metadata.task as { task?: string; options?: Record<string, unknown> } | undefined;
  const task = stored?.options?.task ?? stored?.task;
  if (typeof task !== 'string' || !PLAYGROUND_TASKS.has(task))
    throw new ConfigError(
      `${name} was trained on ${task ? `the '${task}' task` : 'no task the page knows'}; the playground loads first-last, adding, copy and text models`,
    );
  if (a.bidirectional) throw new ConfigError(`${name} is bidirectional; the playground trains and shows one-directional models`);
  const pins = Object.entries(a.pin ?? {});
  const pin = pins.length === 0 ? 'none' : `${pins[0]![0]}=${pins[0]![1]}`;
  if (pins.length > 1 || !(PINS as readonly string[]).includes(pin))
    throw new ConfigError(
      `${name} pins ${pins.map(([g, v]) => `${g}=${v}`).join(' ')}; the page pins one gate, to ${PINS.slice(1).join(', ')}`,
    );
  const options = stored!.options ?? {};
  // Greff's vanilla is the peephole cell and NP the standard one.
  const variant = a.variant === 'vanilla' ? 'peephole' : a.variant === 'np' ? 'standard' : a.variant;
  const cell: CellName = a.cell === 'lstm' && variant && variant !== 'standard' ? (variant as CellName) : (a.cell as CellName);
  const number = (value: unknown, fallback: number) => (typeof value === 'number' ? value : fallback);
  return validateConfig({
    ...current,
    task: task as PlaygroundConfig['task'],
    cell,
    pin: pin as PinChoice,
    hidden: a.hiddenSize,
    layers: a.numLayers,
    seqLen: number(
      options.seqLen,
      task === 'first-last' ? 30 : task === 'copy' ? 20 : task === 'adding' ? DEFAULTS.seqLen : current.seqLen,
    ),
    trainSize: number(options.trainSize, DEFAULTS.trainSize),
    seed: number(options.seed, current.seed),
    text: task === 'text' && hasCustomText ? 'custom' : task === 'text' ? 'builtin' : current.text,
  });
}
