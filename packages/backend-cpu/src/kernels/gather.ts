import type { FloatArray, GatherAttrs, GatherInputs, ScatterAddAttrs, ScatterAddInputs, TensorInfo } from '@lstm/core';
import { alloc } from './buffers.js';

/** out[i, :] = x[indices[i], :] (embedding lookup). */
export function Gather({ x }: GatherInputs, { indices }: GatherAttrs): TensorInfo {
  const X = x.handle as FloatArray;
  const cols = x.shape[1]!;
  const out = alloc(X, indices.length * cols);
  for (let i = 0; i < indices.length; i++) out.set(X.subarray(indices[i]! * cols, (indices[i]! + 1) * cols), i * cols);
  return { handle: out, shape: [indices.length, cols], dtype: x.dtype };
}

/** out[indices[i], :] += updates[i, :] on a zero [numRows, cols] table (gather's gradient). */
export function ScatterAdd({ updates }: ScatterAddInputs, { indices, numRows }: ScatterAddAttrs): TensorInfo {
  const U = updates.handle as FloatArray;
  const cols = updates.shape[1]!;
  const out = alloc(U, numRows * cols);
  for (let i = 0; i < indices.length; i++) {
    const target = indices[i]! * cols;
    const source = i * cols;
    for (let j = 0; j < cols; j++) out[target + j]! += U[source + j]!;
  }
  return { handle: out, shape: [numRows, cols], dtype: updates.dtype };
}
