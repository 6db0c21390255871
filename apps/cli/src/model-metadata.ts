import { parseWith, type ModelFile } from '@lstm/layers';
import * as v from 'valibot';
import { TASKS, type TaskOptions } from './build.js';

/**
 * Schemas of the metadata `lstm train` stores with a model (task, vocabulary, scaling, training
 * summary), checked when a command reads a model: a stored option that is mistyped, out of
 * range or unknown fails in one line before any task is rebuilt from it.
 */

const count = (min = 1, max = 1e9) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));
const finite = v.pipe(v.number(), v.finite());

const TaskOptionsSchema = v.strictObject({
  task: v.picklist(TASKS),
  data: v.optional(v.string()),
  seqLen: v.optional(count(2, 1e6)),
  classes: v.optional(count(2, 1e4)),
  noise: v.optional(v.pipe(finite, v.minValue(0))),
  markers: v.optional(v.picklist(['levels', 'gaussian'])),
  trainSize: v.optional(count()),
  validationSize: v.optional(count()),
  testSize: v.optional(count()),
  columns: v.optional(v.array(v.string())),
  target: v.optional(v.string()),
  season: v.optional(count()),
  maxChars: v.optional(count(100)),
  sotuFrom: v.optional(count(1790, 3000)),
  seed: count(0, Number.MAX_SAFE_INTEGER),
});

/** Tasks whose model predicts values (regression), not class scores. */
export const VALUE_TASKS: readonly string[] = ['adding', 'series'];

const TaskSchema = v.looseObject({ task: v.picklist(TASKS), options: v.optional(TaskOptionsSchema) });

const VocabularySchema = v.pipe(
  v.array(
    v.pipe(
      v.string(),
      v.check((c) => [...c].length === 1, 'each entry is one character'),
    ),
  ),
  v.minLength(1),
  v.check((chars) => new Set(chars).size === chars.length, 'the vocabulary repeats a character'),
);

const ScalingSchema = v.pipe(
  v.strictObject({
    columns: v.pipe(v.array(v.string()), v.minLength(1)),
    target: v.string(),
    mean: v.array(finite),
    std: v.array(v.pipe(finite, v.gtValue(0))),
    window: count(),
    difference: v.boolean(),
  }),
  v.check((s) => s.mean.length === s.columns.length && s.std.length === s.columns.length, 'one mean and one std per column'),
  v.check((s) => s.columns.includes(s.target), 'the target is one of the columns'),
);

const TrainingSchema = v.looseObject({
  best_epoch: v.optional(count(0)),
  batch_size: v.optional(count(1, 1e6)),
  bptt: v.optional(count(1, 1e6)),
  baselines: v.optional(v.record(v.string(), finite)),
});

/** The epoch whose weights a model file holds, as `lstm train` stored it (checked like the rest), if it says. */
export function storedBestEpoch(file: Pick<ModelFile, 'metadata'>, path: string): number | undefined {
  const { training } = file.metadata;
  return training === undefined ? undefined : parseWith(TrainingSchema, training, path, 'lstm.training').best_epoch;
}

/** The task's baselines `lstm train` stored with the model ('chance accuracy', 'predict-the-mean mse', …), if any. */
export function storedBaselines(file: Pick<ModelFile, 'metadata'>, path: string): Record<string, number> {
  const { training } = file.metadata;
  return (training === undefined ? undefined : parseWith(TrainingSchema, training, path, 'lstm.training').baselines) ?? {};
}

const OutputSchema = v.picklist(['classes', 'values']);

export interface StoredMetadata {
  /** What the head predicts (written since 0.3; before, told by the task or the width). */
  output: 'classes' | 'values';
  task?: { task: (typeof TASKS)[number]; options?: TaskOptions };
  vocabulary?: string[];
  scaling?: v.InferOutput<typeof ScalingSchema>;
  /** How the training run evaluated its splits (absent in files before 0.2: the defaults, 32 and 64). */
  evaluation: { batchSize?: number; bptt?: number };
}

/** Validates what `lstm train` stored with a model; `path` names the file in the one-line error. */
export function storedMetadata(file: ModelFile, path: string): StoredMetadata {
  const { task, vocabulary, scaling, training, output } = file.metadata;
  const run = training === undefined ? undefined : parseWith(TrainingSchema, training, path, 'lstm.training');
  const stored = task === undefined ? undefined : parseWith(TaskSchema, task, path, 'lstm.task');
  const told = stored
    ? VALUE_TASKS.includes(stored.task)
      ? 'values'
      : 'classes'
    : file.architecture.outputSize === 1
      ? 'values'
      : 'classes';
  return {
    output: output === undefined ? told : parseWith(OutputSchema, output, path, 'lstm.output'),
    evaluation: { batchSize: run?.batch_size, bptt: run?.bptt },
    task: stored,
    vocabulary: vocabulary === undefined ? undefined : parseWith(VocabularySchema, vocabulary, path, 'lstm.vocabulary'),
    scaling: scaling === undefined ? undefined : parseWith(ScalingSchema, scaling, path, 'lstm.scaling'),
  };
}
