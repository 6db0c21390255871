import { mse, softmaxCrossEntropy, type SequenceModel } from '@lstm/layers';
import { abs, add, argMax, concat, fill, maximum, mul, neg, reshape, sub, sum, tensor, type Tensor } from '@lstm/core';
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

/** One batch's loss, its gradient, and what the tally needs, still on the device. */
export interface BatchLoss {
  loss: Tensor;
  /** ∂loss/∂output, the output's shape. */
  grad: Tensor;
  /**
   * `[lossSum, correct, absoluteError, outputCheck]` on the device: read it once with
   * `tallyOf` (`outputCheck` is 0, or NaN when the output holds a NaN or an infinity).
   */
  stats: Tensor;
  /** Rows (or counted steps) the batch contributes to the tally; known on the host. */
  count: number;
}

/**
 * The loss of one batch and its gradient with respect to the model's output, plus the tally's
 * sums as one small device tensor — no read. Classification: cross-entropy on [B, C]; tagging
 * and language models: cross-entropy on every counted step of [B, T, C] (targets −1 are
 * ignored); regression: MSE.
 */
export function batchLoss(objective: Objective | 'language-model', output: Tensor, targets: Int32Array | Float32Array): BatchLoss {
  const outputCheck = sum(sub(output, output));
  if (objective === 'regression') {
    const target = tensor(targets as Float32Array, output.shape, output.dtype);
    const { loss, grad } = mse(output, target);
    const count = output.size;
    const absoluteError = sum(abs(sub(output, target)));
    return { loss, grad, stats: statsVector([mul(loss, count), fill([], 0, output.dtype), absoluteError, outputCheck]), count };
  }
  const classes = output.shape[output.rank - 1]!;
  const flat = output.rank === 2 ? output : reshape(output, [-1, classes]);
  const labels = targets as Int32Array;
  const { loss, grad } = softmaxCrossEntropy(flat, labels, { ignoreIndex: -1 });
  const labelValues = new Float32Array(labels.length);
  const counted = new Float32Array(labels.length);
  let count = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === -1) continue;
    count++;
    counted[i] = 1;
    labelValues[i] = labels[i]!;
  }
  // Predicted and target classes are integers: 1 − min(1, |p − t|) is 1 where they agree, else 0.
  const miss = abs(sub(argMax(flat), tensor(labelValues, [labels.length], output.dtype)));
  const hit = add(maximum(neg(miss), -1), 1);
  const correct = sum(mul(hit, tensor(counted, [labels.length], output.dtype)));
  return {
    loss,
    grad: output.rank === 2 ? grad : reshape(grad, output.shape),
    stats: statsVector([mul(loss, count), correct, fill([], 0, output.dtype), outputCheck]),
    count,
  };
}

function statsVector(scalars: Tensor[]): Tensor {
  return concat(
    scalars.map((s) => reshape(s, [1])),
    0,
  );
}

/** The tally of a batch from its stats as read from the device (`BatchLoss.stats`). */
export function tallyOf(stats: ArrayLike<number>, count: number): Tally {
  return { lossSum: stats[0]!, count, correct: stats[1]!, absoluteError: stats[2]! };
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
