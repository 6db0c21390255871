import type { FloatArray, ReduceAttrs, ReduceInputs, TensorInfo } from '@lstm/core';
import { alloc } from './gemm.js';

/** Reductions over one axis, viewing x as [outer, axis, inner]. */
function reduce(initial: number, combine: (acc: number, v: number) => number) {
  return ({ x }: ReduceInputs, { axis, keepDims }: ReduceAttrs): TensorInfo => {
    const X = x.handle as FloatArray;
    const outer = x.shape.slice(0, axis).reduce((p, d) => p * d, 1);
    const length = x.shape[axis]!;
    const inner = x.shape.slice(axis + 1).reduce((p, d) => p * d, 1);
    const out = alloc(X, outer * inner).fill(initial);
    for (let o = 0; o < outer; o++) {
      for (let k = 0; k < length; k++) {
        const base = (o * length + k) * inner;
        const target = o * inner;
        for (let i = 0; i < inner; i++) out[target + i] = combine(out[target + i]!, X[base + i]!);
      }
    }
    const shape = keepDims ? x.shape.map((d, i) => (i === axis ? 1 : d)) : x.shape.filter((_, i) => i !== axis);
    return { handle: out, shape, dtype: x.dtype };
  };
}

export const Sum = reduce(0, (acc, v) => acc + v);
export const Max = reduce(-Infinity, (acc, v) => (v > acc || Number.isNaN(v) ? v : acc));
