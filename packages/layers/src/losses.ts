import { ShapeError, ValueError, assertFinite, div, exp, log, max, mean, mul, sub, sum, tensor, type Tensor } from '@lstm/core';

export interface LossResult {
  /** The mean loss, a scalar tensor. */
  loss: Tensor;
  /** ∂loss/∂input, same shape as the input. */
  grad: Tensor;
}

/**
 * Mean softmax cross-entropy of logits [N, C] against class indices (PyTorch's
 * F.cross_entropy), computed stably: log p = z − max z − log Σ exp(z − max z).
 * Rows whose target equals `ignoreIndex` count for nothing and the mean is over the others
 * (PyTorch's ignore_index). grad = (softmax(z) − onehot(target)) / N_counted.
 */
export function softmaxCrossEntropy(
  logits: Tensor,
  targets: Int32Array | readonly number[],
  options: { ignoreIndex?: number } = {},
): LossResult {
  if (logits.rank !== 2) throw new ShapeError(`softmaxCrossEntropy: logits must be [N, classes], got [${logits.shape.join(', ')}]`);
  const [N, C] = logits.shape as [number, number];
  if (targets.length !== N)
    throw new ShapeError(`softmaxCrossEntropy: ${targets.length} targets for ${N} rows of logits; give one class index per row`);
  assertFinite(logits, 'softmaxCrossEntropy logits');
  const onehot = new Float64Array(N * C);
  const counted = new Float64Array(N);
  let count = 0;
  for (let n = 0; n < N; n++) {
    const target = targets[n]!;
    if (target === options.ignoreIndex) continue;
    if (!Number.isInteger(target) || target < 0 || target >= C)
      throw new ValueError(`softmaxCrossEntropy: target ${target} at row ${n} is not a class index in [0, ${C - 1}]`);
    onehot[n * C + target] = 1;
    counted[n] = 1;
    count++;
  }
  const target = tensor(onehot, [N, C], logits.dtype);
  const shifted = sub(logits, max(logits, 1, true));
  const logSum = log(sum(exp(shifted), 1, true));
  const logProbabilities = sub(shifted, logSum);
  const scale = Math.max(count, 1);
  const loss = div(sum(mul(logProbabilities, target)), -scale);
  let grad = sub(exp(logProbabilities), target);
  if (count < N) grad = mul(grad, tensor(counted, [N, 1], logits.dtype));
  return { loss, grad: div(grad, scale) };
}

/** Mean squared error (PyTorch's F.mse_loss): mean((p − t)²), grad = 2 (p − t) / size. */
export function mse(prediction: Tensor, target: Tensor): LossResult {
  if (prediction.shape.join() !== target.shape.join()) {
    throw new ShapeError(
      `mse: prediction [${prediction.shape.join(', ')}] and target [${target.shape.join(', ')}] must have the same shape`,
    );
  }
  assertFinite(target, 'mse target');
  const difference = sub(prediction, target);
  return { loss: mean(mul(difference, difference)), grad: mul(difference, 2 / prediction.size) };
}

/** Per-row argmax of logits [N, C] (predicted classes), read synchronously. */
export function argmax(logits: Tensor): Int32Array {
  const [N, C] = logits.shape as [number, number];
  const values = logits.readSync();
  const out = new Int32Array(N);
  for (let n = 0; n < N; n++) {
    let best = 0;
    for (let c = 1; c < C; c++) if (values[n * C + c]! > values[n * C + best]!) best = c;
    out[n] = best;
  }
  return out;
}
