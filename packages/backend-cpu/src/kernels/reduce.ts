import type { FloatArray, ReduceAttrs, ReduceInputs, TensorInfo } from '@lstm/core';
import { alloc } from './buffers.js';

/** Reductions over one axis, viewing x as [outer, axis, inner]; one monomorphic loop per op. */
function dims(x: TensorInfo, axis: number, keepDims: boolean) {
  const outer = x.shape.slice(0, axis).reduce((p, d) => p * d, 1);
  const inner = x.shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  const shape = keepDims ? x.shape.map((d, i) => (i === axis ? 1 : d)) : x.shape.filter((_, i) => i !== axis);
  return { outer, length: x.shape[axis]!, inner, shape };
}

export function Sum({ x }: ReduceInputs, { axis, keepDims }: ReduceAttrs): TensorInfo {
  const X = x.handle as FloatArray;
  const { outer, length, inner, shape } = dims(x, axis, keepDims);
  const out = alloc(X, outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < length; k++) {
      const base = (o * length + k) * inner,
        target = o * inner;
      for (let i = 0; i < inner; i++) out[target + i]! += X[base + i]!;
    }
  }
  return { handle: out, shape, dtype: x.dtype };
}

export function Max({ x }: ReduceInputs, { axis, keepDims }: ReduceAttrs): TensorInfo {
  const X = x.handle as FloatArray;
  const { outer, length, inner, shape } = dims(x, axis, keepDims);
  const out = alloc(X, outer * inner).fill(-Infinity);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < length; k++) {
      const base = (o * length + k) * inner,
        target = o * inner;
      for (let i = 0; i < inner; i++) {
        const v = X[base + i]!;
        if (v > out[target + i]! || Number.isNaN(v)) out[target + i] = v; // NaN wins
      }
    }
  }
  return { handle: out, shape, dtype: x.dtype };
}

export function ArgMax({ x }: ReduceInputs, { axis, keepDims }: ReduceAttrs): TensorInfo {
  const X = x.handle as FloatArray;
  const { outer, length, inner, shape } = dims(x, axis, keepDims);
  const out = alloc(X, outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = 0;
      let bestValue = X[o * length * inner + i]!;
      for (let k = 1; k < length; k++) {
        const v = X[(o * length + k) * inner + i]!;
        if (v > bestValue) {
          best = k;
          bestValue = v;
        }
      }
      out[o * inner + i] = best;
    }
  }
  return { handle: out, shape, dtype: x.dtype };
}
