import type { BinaryAttrs, BinaryInputs, FloatArray, TensorInfo, UnaryInputs } from '@lstm/core';
import { stridesOf } from '@lstm/core';
import { alloc } from './buffers.js';

/**
 * Element-wise kernels. Unary ops map one array; binary ops broadcast with NumPy rules, with a
 * fast path for equal shapes and for a scalar or a trailing row vector (bias adds).
 */

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** clip(0.2·x + 0.5, 0, 1): TensorFlow.js's default gate activation. */
export function hardSigmoid(x: number): number {
  return Math.min(1, Math.max(0, 0.2 * x + 0.5));
}

/** A gate's squashing (`hard`: hardSigmoid, else σ); the flag is loop-invariant, so the branch costs nothing. */
export function gate(x: number, hard: boolean): number {
  return hard ? hardSigmoid(x) : sigmoid(x);
}

/** A gate's derivative from its value s: s(1 − s) for σ; 0.2 inside (0, 1), 0 where hardSigmoid clipped. */
export function gateGrad(s: number, hard: boolean): number {
  return hard ? (s > 0 && s < 1 ? 0.2 : 0) : s * (1 - s);
}

// Each op gets its own loop: a shared `fn(x)` call site sees every op, turns megamorphic and
// is not inlined, which measured 5–10× slower per element than these monomorphic loops.
function unaryOut(x: TensorInfo): [FloatArray, FloatArray] {
  const input = x.handle as FloatArray;
  return [input, alloc(input, input.length)];
}
const done = (x: TensorInfo, out: FloatArray): TensorInfo => ({ handle: out, shape: x.shape, dtype: x.dtype });

export function Neg({ x }: UnaryInputs): TensorInfo {
  const [v, out] = unaryOut(x);
  for (let i = 0; i < v.length; i++) out[i] = -v[i]!;
  return done(x, out);
}
export function Exp({ x }: UnaryInputs): TensorInfo {
  const [v, out] = unaryOut(x);
  for (let i = 0; i < v.length; i++) out[i] = Math.exp(v[i]!);
  return done(x, out);
}
export function Log({ x }: UnaryInputs): TensorInfo {
  const [v, out] = unaryOut(x);
  for (let i = 0; i < v.length; i++) out[i] = Math.log(v[i]!);
  return done(x, out);
}
export function Sqrt({ x }: UnaryInputs): TensorInfo {
  const [v, out] = unaryOut(x);
  for (let i = 0; i < v.length; i++) out[i] = Math.sqrt(v[i]!);
  return done(x, out);
}
export function Abs({ x }: UnaryInputs): TensorInfo {
  const [v, out] = unaryOut(x);
  for (let i = 0; i < v.length; i++) out[i] = Math.abs(v[i]!);
  return done(x, out);
}
export function Tanh({ x }: UnaryInputs): TensorInfo {
  const [v, out] = unaryOut(x);
  for (let i = 0; i < v.length; i++) out[i] = Math.tanh(v[i]!);
  return done(x, out);
}
export function Sigmoid({ x }: UnaryInputs): TensorInfo {
  const [v, out] = unaryOut(x);
  for (let i = 0; i < v.length; i++) out[i] = 1 / (1 + Math.exp(-v[i]!));
  return done(x, out);
}
export function Relu({ x }: UnaryInputs): TensorInfo {
  const [v, out] = unaryOut(x);
  for (let i = 0; i < v.length; i++) {
    const value = v[i]!;
    out[i] = value > 0 || Number.isNaN(value) ? value : 0; // NaN stays NaN
  }
  return done(x, out);
}

/** How B lines up with the output: element for element, one scalar, or a trailing row vector. */
enum Layout {
  Same,
  Scalar,
  Row,
  General,
}

function layoutOf(A: FloatArray, B: FloatArray, b: TensorInfo, size: number, outShape: readonly number[]): Layout {
  if (A.length !== size) return Layout.General;
  if (B.length === size) return Layout.Same;
  if (B.length === 1) return Layout.Scalar;
  if (B.length > 0 && b.shape.length <= 1 && outShape.at(-1) === B.length) return Layout.Row;
  return Layout.General;
}

/** NumPy broadcasting in general (rare in hot paths): index arithmetic per element. */
function broadcastGeneral(
  a: TensorInfo,
  b: TensorInfo,
  outShape: readonly number[],
  out: FloatArray,
  fn: (x: number, y: number) => number,
): void {
  const A = a.handle as FloatArray,
    B = b.handle as FloatArray;
  const rank = outShape.length;
  const aStrides = broadcastStrides(a.shape, outShape);
  const bStrides = broadcastStrides(b.shape, outShape);
  const outStrides = stridesOf(outShape);
  for (let i = 0; i < out.length; i++) {
    let ia = 0,
      ib = 0,
      rest = i;
    for (let axis = 0; axis < rank; axis++) {
      const coordinate = Math.floor(rest / outStrides[axis]!);
      rest -= coordinate * outStrides[axis]!;
      ia += coordinate * aStrides[axis]!;
      ib += coordinate * bStrides[axis]!;
    }
    out[i] = fn(A[ia]!, B[ib]!);
  }
}

function prepare(
  a: TensorInfo,
  b: TensorInfo,
  outShape: readonly number[],
): { A: FloatArray; B: FloatArray; out: FloatArray; layout: Layout } {
  const A = a.handle as FloatArray,
    B = b.handle as FloatArray;
  const size = outShape.reduce((p, d) => p * d, 1);
  return { A, B, out: alloc(A, size), layout: layoutOf(A, B, b, size, outShape) };
}

export function Add({ a, b }: BinaryInputs, { outShape }: BinaryAttrs): TensorInfo {
  const { A, B, out, layout } = prepare(a, b, outShape);
  const n = B.length,
    s = B[0]!;
  if (layout === Layout.Same) for (let i = 0; i < out.length; i++) out[i] = A[i]! + B[i]!;
  else if (layout === Layout.Scalar) for (let i = 0; i < out.length; i++) out[i] = A[i]! + s;
  else if (layout === Layout.Row) for (let i = 0; i < out.length; i++) out[i] = A[i]! + B[i % n]!;
  else broadcastGeneral(a, b, outShape, out, (x, y) => x + y);
  return { handle: out, shape: outShape, dtype: a.dtype };
}

export function Sub({ a, b }: BinaryInputs, { outShape }: BinaryAttrs): TensorInfo {
  const { A, B, out, layout } = prepare(a, b, outShape);
  const n = B.length,
    s = B[0]!;
  if (layout === Layout.Same) for (let i = 0; i < out.length; i++) out[i] = A[i]! - B[i]!;
  else if (layout === Layout.Scalar) for (let i = 0; i < out.length; i++) out[i] = A[i]! - s;
  else if (layout === Layout.Row) for (let i = 0; i < out.length; i++) out[i] = A[i]! - B[i % n]!;
  else broadcastGeneral(a, b, outShape, out, (x, y) => x - y);
  return { handle: out, shape: outShape, dtype: a.dtype };
}

export function Mul({ a, b }: BinaryInputs, { outShape }: BinaryAttrs): TensorInfo {
  const { A, B, out, layout } = prepare(a, b, outShape);
  const n = B.length,
    s = B[0]!;
  if (layout === Layout.Same) for (let i = 0; i < out.length; i++) out[i] = A[i]! * B[i]!;
  else if (layout === Layout.Scalar) for (let i = 0; i < out.length; i++) out[i] = A[i]! * s;
  else if (layout === Layout.Row) for (let i = 0; i < out.length; i++) out[i] = A[i]! * B[i % n]!;
  else broadcastGeneral(a, b, outShape, out, (x, y) => x * y);
  return { handle: out, shape: outShape, dtype: a.dtype };
}

export function Div({ a, b }: BinaryInputs, { outShape }: BinaryAttrs): TensorInfo {
  const { A, B, out, layout } = prepare(a, b, outShape);
  const n = B.length,
    s = B[0]!;
  if (layout === Layout.Same) for (let i = 0; i < out.length; i++) out[i] = A[i]! / B[i]!;
  else if (layout === Layout.Scalar) for (let i = 0; i < out.length; i++) out[i] = A[i]! / s;
  else if (layout === Layout.Row) for (let i = 0; i < out.length; i++) out[i] = A[i]! / B[i % n]!;
  else broadcastGeneral(a, b, outShape, out, (x, y) => x / y);
  return { handle: out, shape: outShape, dtype: a.dtype };
}

const maximum = (x: number, y: number) => (x >= y || Number.isNaN(x) ? x : y); // NaN wins
export function Maximum({ a, b }: BinaryInputs, { outShape }: BinaryAttrs): TensorInfo {
  const { out } = prepare(a, b, outShape);
  broadcastGeneral(a, b, outShape, out, maximum);
  return { handle: out, shape: outShape, dtype: a.dtype };
}

/** Strides of `shape` aligned to `outShape`, 0 on broadcast axes. */
function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const strides = stridesOf(shape);
  const offset = outShape.length - shape.length;
  return outShape.map((_, axis) => (axis < offset || shape[axis - offset] === 1 ? 0 : strides[axis - offset]!));
}
