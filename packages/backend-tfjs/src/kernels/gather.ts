import type { GatherAttrs, GatherInputs, ScatterAddAttrs, ScatterAddInputs, TensorInfo } from '@lstm/core';
import { out, t, tf } from '../tf.js';

/** Rows of a [rows, cols] table. */
export function Gather({ x }: GatherInputs, { indices }: GatherAttrs): TensorInfo {
  return out(tf.tidy(() => tf.gather(t(x), tf.tensor1d(indices, 'int32'), 0)));
}

/**
 * Sums rows of `updates` into a zero [numRows, cols] table: one-hot(indices)ᵀ · updates, one
 * matMul that every tfjs backend runs (repeated indices add up, as they must).
 */
export function ScatterAdd({ updates }: ScatterAddInputs, { indices, numRows }: ScatterAddAttrs): TensorInfo {
  const cols = updates.shape[1]!;
  if (indices.length === 0 || numRows === 0 || cols === 0) return out(tf.zeros([numRows, cols]));
  return out(
    tf.tidy(() => {
      const selector = tf.cast(tf.oneHot(tf.tensor1d(indices, 'int32'), numRows), 'float32');
      return tf.matMul(selector, t(updates), true, false);
    }),
  );
}
