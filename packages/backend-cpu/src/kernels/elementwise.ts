import type { BinaryAttrs, BinaryInputs, FloatArray, TensorInfo, UnaryInputs } from '@lstm/core';
import { stridesOf } from '@lstm/core';
import { alloc } from './gemm.js';

/**
 * Element-wise kernels. Unary ops map one array; binary ops broadcast with NumPy rules, with a
 * fast path for equal shapes and for a scalar or a trailing row vector (bias adds).
 */

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function unary(fn: (value: number) => number) {
  return ({ x }: UnaryInputs): TensorInfo => {
    const input = x.handle as FloatArray;
    const out = alloc(input, input.length);
    for (let i = 0; i < input.length; i++) out[i] = fn(input[i]!);
    return { handle: out, shape: x.shape, dtype: x.dtype };
  };
}

export const Neg = unary((v) => -v);
export const Exp = unary(Math.exp);
export const Log = unary(Math.log);
export const Sqrt = unary(Math.sqrt);
export const Abs = unary(Math.abs);
export const Tanh = unary(Math.tanh);
export const Sigmoid = unary(sigmoid);
export const Relu = unary((v) => (v > 0 ? v : v === 0 || v < 0 ? 0 : v)); // NaN stays NaN

function binary(fn: (a: number, b: number) => number) {
  return ({ a, b }: BinaryInputs, { outShape }: BinaryAttrs): TensorInfo => {
    const A = a.handle as FloatArray;
    const B = b.handle as FloatArray;
    const size = outShape.reduce((p, d) => p * d, 1);
    const out = alloc(A, size);
    if (A.length === size && B.length === size) {
      for (let i = 0; i < size; i++) out[i] = fn(A[i]!, B[i]!);
    } else if (A.length === size && B.length === 1) {
      const scalar = B[0]!;
      for (let i = 0; i < size; i++) out[i] = fn(A[i]!, scalar);
    } else if (A.length === size && B.length > 0 && b.shape.length <= 1 && outShape.at(-1) === B.length) {
      const n = B.length;
      for (let i = 0; i < size; i++) out[i] = fn(A[i]!, B[i % n]!);
    } else {
      const rank = outShape.length;
      const aStrides = broadcastStrides(a.shape, outShape);
      const bStrides = broadcastStrides(b.shape, outShape);
      const outStrides = stridesOf(outShape);
      for (let i = 0; i < size; i++) {
        let ia = 0, ib = 0, rest = i;
        for (let axis = 0; axis < rank; axis++) {
          const coordinate = Math.floor(rest / outStrides[axis]!);
          rest -= coordinate * outStrides[axis]!;
          ia += coordinate * aStrides[axis]!;
          ib += coordinate * bStrides[axis]!;
        }
        out[i] = fn(A[ia]!, B[ib]!);
      }
    }
    return { handle: out, shape: outShape, dtype: a.dtype };
  };
}

/** Strides of `shape` aligned to `outShape`, 0 on broadcast axes. */
function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const strides = stridesOf(shape);
  const offset = outShape.length - shape.length;
  return outShape.map((_, axis) => (axis < offset || shape[axis - offset] === 1 ? 0 : strides[axis - offset]!));
}

export const Add = binary((a, b) => a + b);
export const Sub = binary((a, b) => a - b);
export const Mul = binary((a, b) => a * b);
export const Div = binary((a, b) => a / b);
export const Maximum = binary((a, b) => (a >= b || Number.isNaN(a) ? a : b));
