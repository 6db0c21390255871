import type { TensorInfo } from '@lstm/core';
import { tf } from '../tf.js';

/** Steps in processing order. */
export function timeOrder(T: number, reverse: boolean): number[] {
  return Array.from({ length: T }, (_, s) => (reverse ? T - 1 - s : s));
}

/** Per-step [B, 1] masks (1 = valid step), or null when every row has all T steps. */
export function stepMasks(lengths: Int32Array | null, B: number, T: number): tf.Tensor[] | null {
  if (!lengths || lengths.every((length) => length >= T)) return null;
  return Array.from({ length: T }, (_, t) =>
    tf.tensor2d(
      Array.from(lengths, (length) => (t < length ? 1 : 0)),
      [B, 1],
    ),
  );
}

/** m ⊙ next + (1 − m) ⊙ previous: padded rows keep their previous value. */
export function keepWhereMasked(mask: tf.Tensor | null, next: tf.Tensor, previous: tf.Tensor): tf.Tensor {
  return mask ? tf.add(tf.mul(mask, next), tf.mul(tf.sub(1, mask), previous)) : next;
}

/** [B, T, F] → the T time slices [B, F] (one transpose, one unstack). */
export function timeSlices(x: tf.Tensor): tf.Tensor[] {
  return tf.unstack(tf.transpose(x, [1, 0, 2]));
}

/** T slices [B, F] (indexed by t) → [B, T, F]. */
export function fromTimeSlices(slices: tf.Tensor[]): tf.Tensor {
  return tf.transpose(tf.stack(slices), [1, 0, 2]);
}

/** Output record of a fused kernel: drops absent outputs, wraps the rest as TensorInfos. */
export function outputs<K extends string>(tensors: Record<K, tf.Tensor | undefined>): Record<K, TensorInfo> {
  const result: Record<string, TensorInfo> = {};
  for (const [key, tensor] of Object.entries(tensors) as [K, tf.Tensor | undefined][]) {
    if (tensor) result[key] = { handle: tensor, shape: tensor.shape, dtype: 'float32' };
  }
  return result as Record<K, TensorInfo>;
}

// ─── The column layout of the wasm and cpu kernels: per-step tensors are [features, B] ───────

/** Per-step [1, B] masks (1 = valid step), or null when every row has all T steps. */
export function columnMasks(lengths: Int32Array | null, B: number, T: number): tf.Tensor[] | null {
  if (!lengths || lengths.every((length) => length >= T)) return null;
  return Array.from({ length: T }, (_, t) =>
    tf.tensor2d(
      Array.from(lengths, (length) => (t < length ? 1 : 0)),
      [1, B],
    ),
  );
}

/** [B, T, F] → [T, F, B]: step t is then a contiguous [F, B] block (`columnStep`). */
export function toColumnSteps(x: tf.Tensor): tf.Tensor {
  return tf.transpose(x, [1, 2, 0]);
}

/** Step t of a [T, F, B] tensor as [F, B]: a contiguous slice. */
export function columnStep(steps: tf.Tensor, t: number): tf.Tensor {
  const [, F, B] = steps.shape as [number, number, number];
  return tf.reshape(tf.slice(steps, [t, 0, 0], [1, F, B]), [F, B]);
}

/** T per-step [F, B] tensors (indexed by t) → [B, T, F]. */
export function fromColumnSteps(steps: tf.Tensor[]): tf.Tensor {
  return tf.transpose(tf.stack(steps), [2, 0, 1]);
}

/** Every step's input projection W·x_t + bias in one product: [T, G·H, B]. */
export function projectColumns(x: tf.Tensor, weightIh: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  const [B, T, I] = x.shape as [number, number, number];
  const rows = weightIh.shape[0]!;
  const xFlat = tf.reshape(tf.transpose(x, [2, 1, 0]), [I, T * B]);
  const projected = tf.add(tf.matMul(weightIh, xFlat), tf.reshape(bias, [rows, 1]));
  return tf.transpose(tf.reshape(projected, [rows, T, B]), [1, 0, 2]);
}

/** Per-step [R, B] tensors (indexed by t) as one [R, T·B] matrix, columns t-major. */
export function allSteps(steps: tf.Tensor[]): tf.Tensor {
  const [R, B] = steps[0]!.shape as [number, number];
  return tf.reshape(tf.transpose(tf.stack(steps), [1, 0, 2]), [R, steps.length * B]);
}

/** Per-step [F, B] tensors (indexed by t) as [T·B, F] rows, t-major (a weight gradient's right operand). */
export function stepRows(steps: tf.Tensor[]): tf.Tensor {
  const [F, B] = steps[0]!.shape as [number, number];
  return tf.reshape(tf.transpose(tf.stack(steps), [0, 2, 1]), [steps.length * B, F]);
}

/**
 * The input side of a backward, all steps at once: from the pre-activation gradients of the
 * input projection (per step [R, B]), ∂L/∂x [B, T, I], ∂L/∂W_ih and the input bias's gradient.
 */
export function inputGradients(dProjection: tf.Tensor[], x: tf.Tensor, weightIh: tf.Tensor) {
  const [B, T, I] = x.shape as [number, number, number];
  const all = allSteps(dProjection);
  const xRows = tf.reshape(tf.transpose(x, [1, 0, 2]), [T * B, I]);
  const dxRows = tf.matMul(tf.transpose(all), weightIh);
  return {
    dx: tf.transpose(tf.reshape(dxRows, [T, B, I]), [1, 0, 2]),
    dWeightIh: tf.matMul(all, xRows),
    dBias: tf.sum(all, 1),
  };
}
