import { ValueError } from '@lstm/core';
import type { SequenceModel } from '@lstm/layers';
import { assertFiniteSplit } from './data.js';
import type { AnyTask } from './evaluate.js';

/**
 * The divergence rule. Training has diverged when a batch's mean loss is NaN or infinite, or
 * exceeds `factor` (default 1,000: three orders of magnitude) times the loss of the run's very
 * first batch — the untrained model's, which sets the scale of the task's loss. A loss that
 * high means the weights have left any useful region (`--lr 1e6` reaches 10⁷ on a task whose
 * untrained loss is 1.4); an ordinary spike of a healthy run stays far below it.
 */
export class DivergenceGuard {
  constructor(
    readonly factor: number,
    /** The first batch's loss; null until the first batch (saved with the trainer state). */
    public reference: number | null = null,
  ) {}

  /** What went wrong with this batch's loss, or null when it is fine. */
  check(loss: number): string | null {
    if (!Number.isFinite(loss)) return `is ${loss}`;
    if (this.reference === null) {
      this.reference = loss;
      return null;
    }
    const bound = this.factor * Math.max(this.reference, Number.MIN_VALUE);
    if (loss > bound) return `is ${loss.toPrecision(3)}, over ${this.factor}× the first batch's ${this.reference.toPrecision(3)}`;
    return null;
  }
}

/** Checks that `model` can learn `task`: input and output widths, and the readout the objective needs. */
export function assertFits(model: SequenceModel, task: AnyTask): void {
  const objective = task.objective;
  if (model.inputSize !== task.inputSize) {
    throw new ValueError(
      `Trainer: the model takes ${model.inputSize} input features but task '${task.name}' has ${task.inputSize}; build the model with inputSize ${task.inputSize}`,
    );
  }
  if (model.outputSize !== task.outputSize) {
    throw new ValueError(
      `Trainer: the model outputs ${model.outputSize} values but task '${task.name}' needs ${task.outputSize}; build the model with outputSize ${task.outputSize}`,
    );
  }
  const perSequence = objective === 'classification' || objective === 'regression';
  if (perSequence !== (model.readout !== 'all'))
    throw new ValueError(
      `Trainer: task '${task.name}' needs a model with readout ${perSequence ? "'last' or 'last-output'" : "'all'"}, not '${model.readout}'`,
    );
  if (objective !== 'language-model') for (const split of ['train', 'validation', 'test'] as const) assertFiniteSplit(task, split);
}

/** A copy of every parameter's values, by name. */
export function snapshot(model: SequenceModel): Record<string, Float32Array | Float64Array> {
  return Object.fromEntries(model.parameters().map((p) => [p.name, p.value.readSync().slice()]));
}
