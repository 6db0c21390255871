import type { ReduceAttrs, ReduceInputs, TensorInfo } from '@lstm/core';
import { out, t, tf } from '../tf.js';

export function Sum({ x }: ReduceInputs, { axis, keepDims }: ReduceAttrs): TensorInfo {
  return out(tf.tidy(() => tf.sum(t(x), axis, keepDims)));
}

export function Max({ x }: ReduceInputs, { axis, keepDims }: ReduceAttrs): TensorInfo {
  return out(tf.tidy(() => tf.max(t(x), axis, keepDims)));
}

export function ArgMax({ x }: ReduceInputs, { axis, keepDims }: ReduceAttrs): TensorInfo {
  const shape = keepDims ? x.shape.map((d, i) => (i === axis ? 1 : d)) : x.shape.filter((_, i) => i !== axis);
  return out(tf.tidy(() => tf.reshape(tf.cast(tf.argMax(t(x), axis), 'float32'), shape as number[])));
}
