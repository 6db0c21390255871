import { argmax, mse, softmaxCrossEntropy, type SequenceModel } from '@lstm/layers';
import { reshape, tensor, type Tensor } from '@lstm/core';
import type { Objective, Split } from './data.js';

/** Sums over a split, turned into metrics by `summarise`. */
export interface Tally {
  lossSum: number;
  /** Rows (classification, regression) or counted steps (tagging, language models). */
  count: number;
  correct: number;
  absoluteError: number;
}

export const emptyTally = (): Tally => ({ lossSum: 0, count: 0, correct: 0, absoluteError: 0 });

/** loss, and accuracy (classes) or mse / rmse / mae (regression); bits per character for language models. */
export type Metrics = Record<string, number>;

export function summarise(objective: Objective | 'language-model', tally: Tally): Metrics {
  const loss = tally.lossSum / Math.max(tally.count, 1);
  if (objective === 'regression') {
    return { loss, mse: loss, rmse: Math.sqrt(loss), mae: tally.absoluteError / Math.max(tally.count, 1) };
  }
  const metrics: Metrics = { loss, accuracy: tally.correct / Math.max(tally.count, 1) };
  if (objective === 'language-model') metrics.bpc = loss / Math.LN2;
  return metrics;
}

/**
 * The loss of one batch and its gradient with respect to the model's output, plus what the
 * tally needs. Classification: cross-entropy on [B, C]; tagging and language models:
 * cross-entropy on every counted step of [B, T, C] (targets −1 are ignored); regression: MSE.
 */
export function batchLoss(
  objective: Objective | 'language-model',
  output: Tensor,
  targets: Int32Array | Float32Array,
): { loss: Tensor; grad: Tensor; tally: Tally } {
  if (objective === 'regression') {
    const target = tensor(targets as Float32Array, output.shape, output.dtype);
    const { loss, grad } = mse(output, target);
    const predicted = output.readSync();
    let absoluteError = 0;
    for (let i = 0; i < predicted.length; i++) absoluteError += Math.abs(predicted[i]! - targets[i]!);
    const value = loss.readSync()[0]!;
    return { loss, grad, tally: { lossSum: value * predicted.length, count: predicted.length, correct: 0, absoluteError } };
  }
  const classes = output.shape[output.rank - 1]!;
  const flat = output.rank === 2 ? output : reshape(output, [-1, classes]);
  const labels = targets as Int32Array;
  const { loss, grad } = softmaxCrossEntropy(flat, labels, { ignoreIndex: -1 });
  const predicted = argmax(flat);
  let count = 0,
    correct = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === -1) continue;
    count++;
    if (predicted[i] === labels[i]) correct++;
  }
  const value = loss.readSync()[0]!;
  return {
    loss,
    grad: output.rank === 2 ? grad : reshape(grad, output.shape),
    tally: { lossSum: value * count, count, correct, absoluteError: 0 },
  };
}

export function addTally(into: Tally, more: Tally): void {
  into.lossSum += more.lossSum;
  into.count += more.count;
  into.correct += more.correct;
  into.absoluteError += more.absoluteError;
}

/** Shapes a split's rows [n, T·F] as the model's input [n, T, F]. */
export function inputTensor(model: SequenceModel, split: Split, steps: number): Tensor {
  return tensor(split.inputs, [split.size, steps, split.inputs.length / split.size / steps], model.rnn.dtype);
}
