import { ValueError } from '@lstm/core';

/**
 * One split of a sequence task, stored flat:
 * - `inputs` [size, steps, features] (float32);
 * - `targets`: class indices [size] ('classification'), values [size, outputs] ('regression'), or
 *   per-step class indices [size, steps] with −1 for steps that do not count ('tagging').
 */
export interface Split {
  size: number;
  inputs: Float32Array;
  targets: Int32Array | Float32Array;
}

export type Objective = 'classification' | 'regression' | 'tagging';

/** A generated or loaded task: what a model needs to be built, and its three splits. */
export interface SequenceTask {
  name: string;
  objective: Objective;
  steps: number;
  inputSize: number;
  /** Classes (classification, tagging) or regression outputs. */
  outputSize: number;
  train: Split;
  validation: Split;
  test: Split;
  /** Regression: the target's standard deviation, so errors are reported in data units. */
  targetScale?: number;
  /** Errors of trivial predictors on the test split, to compare against (e.g. predict-the-mean MSE). */
  baselines?: Record<string, number>;
  /** Everything needed to rebuild the task or decode its outputs; stored in model files. */
  config: Record<string, unknown>;
}

/** The tasks a model file can name (what `lstm train` and the playground store, `lstm eval` rebuilds). */
export const TASK_NAMES = ['first-last', 'adding', 'copy', 'text', 'series'] as const;

/**
 * The options that define a task's data, stored with a model (`lstm.task.options`) so the same
 * task — same seed, same splits — can be rebuilt from the file alone. Named as the CLI's flags.
 */
export interface StoredTaskOptions {
  task: (typeof TASK_NAMES)[number];
  /** Text or CSV file (text, series). */
  data?: string;
  seqLen?: number;
  classes?: number;
  noise?: number;
  markers?: 'levels' | 'gaussian';
  trainSize?: number;
  validationSize?: number;
  testSize?: number;
  columns?: string[];
  target?: string;
  season?: number;
  maxChars?: number;
  sotuFrom?: number;
  seed: number;
}

export interface SplitSizes {
  trainSize?: number;
  validationSize?: number;
  testSize?: number;
}

/** The train / validation / test sizes with defaults, checked. */
export function splitSizes(task: string, sizes: SplitSizes, defaults: Required<SplitSizes>): Required<SplitSizes> {
  const out = {
    trainSize: sizes.trainSize ?? defaults.trainSize,
    validationSize: sizes.validationSize ?? defaults.validationSize,
    testSize: sizes.testSize ?? defaults.testSize,
  };
  for (const [name, value] of Object.entries(out)) {
    if (!Number.isInteger(value) || value < 1) throw new ValueError(`${task}: ${name} must be a positive integer, got ${value}`);
  }
  return out;
}

/** Gathers rows of a split (a minibatch) into fresh arrays. */
export function gather(split: Split, rows: readonly number[]): Split {
  const width = split.inputs.length / split.size;
  const targetWidth = split.targets.length / split.size;
  const inputs = new Float32Array(rows.length * width);
  const targets =
    split.targets instanceof Int32Array ? new Int32Array(rows.length * targetWidth) : new Float32Array(rows.length * targetWidth);
  rows.forEach((row, i) => {
    inputs.set(split.inputs.subarray(row * width, (row + 1) * width), i * width);
    targets.set(split.targets.subarray(row * targetWidth, (row + 1) * targetWidth), i * targetWidth);
  });
  return { size: rows.length, inputs, targets };
}

/** The data is checked once on the host, so the training steps need not check it on the device. */
export function assertFiniteSplit(task: SequenceTask, split: 'train' | 'validation' | 'test'): void {
  // Checked once per split object: the Trainer evaluates validation and test every epoch.
  if (finiteSplits.has(task[split])) return;
  for (const part of ['inputs', 'targets'] as const) {
    const bad = firstNonFiniteIndex(task[split][part]);
    if (bad >= 0) {
      throw new ValueError(
        `Trainer: task '${task.name}' ${split} ${part} hold ${task[split][part][bad]} at index ${bad}; clean the data (every value must be a finite number)`,
      );
    }
  }
  finiteSplits.add(task[split]);
}

const finiteSplits = new WeakSet<Split>();

function firstNonFiniteIndex(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return i;
  return -1;
}
