import type {
  ConcatAttrs,
  ConcatInputs,
  FloatArray,
  SliceAttrs,
  SliceInputs,
  TensorInfo,
  TransposeAttrs,
  TransposeInputs,
} from '@lstm/core';
import { stridesOf } from '@lstm/core';
import { alloc, transposeInto } from './buffers.js';

/**
 * Axis permutation. Axes of length 1 move nothing, so they are dropped first: what remains is often
 * the identity (a model's last hidden state, [1, B, H] → [B, 1, H]), a plain copy, or a rank-2
 * transpose, which uses the cache-tiled one.
 */
export function Transpose({ x }: TransposeInputs, { perm }: TransposeAttrs): TensorInfo {
  const X = x.handle as FloatArray;
  const shape = perm.map((axis) => x.shape[axis]!);
  const out = alloc(X, X.length);
  const moved = perm.filter((axis) => x.shape[axis] !== 1);
  const kept = x.shape.filter((n) => n !== 1);
  if (moved.every((axis, i) => i === 0 || axis > moved[i - 1]!)) {
    out.set(X);
  } else if (kept.length === 2) {
    transposeInto(X, 0, kept[1]!, kept[0]!, kept[1]!, out);
  } else {
    const inStrides = stridesOf(x.shape);
    const outStrides = stridesOf(shape);
    const sourceStride = perm.map((axis) => inStrides[axis]!);
    for (let i = 0; i < out.length; i++) {
      let rest = i,
        source = 0;
      for (let axis = 0; axis < shape.length; axis++) {
        const coordinate = Math.floor(rest / outStrides[axis]!);
        rest -= coordinate * outStrides[axis]!;
        source += coordinate * sourceStride[axis]!;
      }
      out[i] = X[source]!;
    }
  }
  return { handle: out, shape, dtype: x.dtype };
}

/** A block [begin, begin + size) on every axis, copied row by row along the last axis. */
export function Slice({ x }: SliceInputs, { begin, size }: SliceAttrs): TensorInfo {
  const X = x.handle as FloatArray;
  const rank = x.shape.length;
  const total = size.reduce((p, d) => p * d, 1);
  const out = alloc(X, total);
  if (total > 0 && rank > 0) {
    const inStrides = stridesOf(x.shape);
    const rowLength = size[rank - 1]!;
    const rows = total / rowLength;
    const outerShape = size.slice(0, rank - 1);
    const outerStrides = stridesOf(outerShape);
    for (let row = 0; row < rows; row++) {
      let rest = row,
        source = begin[rank - 1]!;
      for (let axis = 0; axis < rank - 1; axis++) {
        const coordinate = Math.floor(rest / outerStrides[axis]!);
        rest -= coordinate * outerStrides[axis]!;
        source += (begin[axis]! + coordinate) * inStrides[axis]!;
      }
      out.set(X.subarray(source, source + rowLength), row * rowLength);
    }
  } else if (rank === 0) {
    out[0] = X[0]!;
  }
  return { handle: out, shape: [...size], dtype: x.dtype };
}

/** Joins along `axis`, viewing each input as [outer, axisLength · inner]. */
export function Concat({ xs }: ConcatInputs, { axis }: ConcatAttrs): TensorInfo {
  const first = xs[0]!;
  const outer = first.shape.slice(0, axis).reduce((p, d) => p * d, 1);
  const inner = first.shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  const axisTotal = xs.reduce((p, x) => p + x.shape[axis]!, 0);
  const out = alloc(first.handle as FloatArray, outer * axisTotal * inner);
  const outRow = axisTotal * inner;
  let offset = 0;
  for (const x of xs) {
    const X = x.handle as FloatArray;
    const chunk = x.shape[axis]! * inner;
    for (let o = 0; o < outer; o++) out.set(X.subarray(o * chunk, (o + 1) * chunk), o * outRow + offset);
    offset += chunk;
  }
  const shape = first.shape.map((d, i) => (i === axis ? axisTotal : d));
  return { handle: out, shape, dtype: first.dtype };
}
