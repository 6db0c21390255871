import { UsageError } from './errors.js';
import type { TrainOptions } from './train.js';

/**
 * Options that shape a run: changing one halfway would train a different model on different
 * data, so `--resume` takes them from the checkpoint. `epochs` may change (to train further)
 * unless the run's schedule or sampling ramp is laid out over it. What only affects how the run
 * is watched or where it computes (backend, threads, json, quiet, patience) may change freely.
 */
export const RUN_SHAPING = [
  'task',
  'data',
  'seqLen',
  'classes',
  'noise',
  'markers',
  'trainSize',
  'validationSize',
  'testSize',
  'columns',
  'target',
  'season',
  'maxChars',
  'sotuFrom',
  'seed',
  'cell',
  'hidden',
  'layers',
  'bidirectional',
  'dropout',
  'forgetBias',
  'optimizer',
  'lr',
  'weightDecay',
  'momentum',
  'schedule',
  'stepSize',
  'gamma',
  'batchSize',
  'clip',
  'clipValue',
  'bptt',
  'scheduledSampling',
] as const satisfies readonly (keyof TrainOptions)[];

/** How an option was given: on the command line, or a default (commander's getOptionValueSource). */
export type OptionSource = (key: string) => string | undefined;

const flag = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
const show = (value: unknown) => (value === undefined ? '(unset)' : JSON.stringify(value));

/**
 * The options of a resumed run: every run-shaping option from the checkpoint, where the command
 * line repeats it or leaves it out; an explicit different value is refused in one line naming
 * both. Returns the options to train with.
 */
export function resumeOptions(
  given: TrainOptions,
  stored: Partial<TrainOptions> | undefined,
  source: OptionSource,
  out: string,
): TrainOptions {
  if (!stored) return given;
  const merged: TrainOptions = { ...given };
  for (const key of RUN_SHAPING) {
    const explicit = source(key) === 'cli';
    if (explicit && show(given[key]) !== show(stored[key])) {
      throw new UsageError(
        `${flag(key)} ${show(given[key])} differs from the run in ${out} (${show(stored[key])}); drop it to continue that run, or start a new one with --force or another --out`,
      );
    }
    Object.assign(merged, { [key]: stored[key] });
  }
  const laidOut = stored.schedule === 'cosine' ? 'the cosine schedule' : stored.scheduledSampling ? 'the scheduled-sampling ramp' : null;
  if (laidOut && source('epochs') === 'cli' && given.epochs !== stored.epochs) {
    throw new UsageError(
      `--epochs ${given.epochs} would stretch ${laidOut} of the run in ${out}, laid out over ${stored.epochs} epochs; resume without --epochs`,
    );
  }
  if (source('epochs') !== 'cli' && stored.epochs !== undefined) merged.epochs = stored.epochs;
  return merged;
}
