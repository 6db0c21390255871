import type { FloatArray, TensorInfo } from '@lstm/core';
import { alloc, transposeInto } from './buffers.js';
import { gemmNT, matrix } from './gemm.js';

/**
 * Plumbing shared by the fused LSTM, GRU and RNN kernels. A sequence kernel runs in three
 * phases, and only the middle one is sequential:
 *   1. all input projections in one GEMM:   P[B·T, G·H] = X[B·T, I] · W_ihᵀ + bias
 *   2. per step, one small GEMM h · W_hhᵀ and the fused gate math (no allocation)
 *   3. backward only: weight gradients for all steps in two large GEMMs
 *        dW_ih = dGᵀ · X     dW_hh = dGᵀ · H_prev     dX = dG · W_ih
 */

export interface SequenceDims {
  B: number;
  T: number;
  I: number;
  H: number;
  /** Rows of the packed weights: gates · H. */
  GH: number;
}

export function dimsOf(x: TensorInfo, weightHh: TensorInfo): SequenceDims {
  const [B, T, I] = x.shape as [number, number, number];
  const [GH, H] = weightHh.shape as [number, number];
  return { B, T, I, H, GH };
}

export const data = (info: TensorInfo): FloatArray => info.handle as FloatArray;

/**
 * P = biasA (+ biasB) + X · W_ihᵀ, one row per (batch, step): the bias is copied into every row,
 * then the GEMM accumulates onto it. P is the kernel's own scratch: LSTM and RNN then add
 * h_{t−1} · W_hhᵀ into row (b, t) in place, so the gate math reads one buffer.
 */
export function projectInputs(
  X: FloatArray,
  Wih: FloatArray,
  { B, T, I, GH }: SequenceDims,
  biasA: FloatArray,
  biasB: FloatArray | null,
): FloatArray {
  const rows = B * T;
  const P = alloc(X, rows * GH);
  if (rows === 0) return P;
  for (let j = 0; j < GH; j++) P[j] = biasA[j]! + (biasB ? biasB[j]! : 0);
  for (let row = 1; row < rows; row++) P.copyWithin(row * GH, 0, GH);
  gemmNT({ rows, cols: GH, depth: I, left: matrix(X, I), right: matrix(Wih, I), out: matrix(P, GH), accumulate: true });
  return P;
}

/** Step index t for processing position s. */
export function stepAt(s: number, T: number, reverse: boolean): number {
  return reverse ? T - 1 - s : s;
}

/** Length of row b (T when no lengths are given). */
export function lengthOf(lengths: Int32Array | null, b: number, T: number): number {
  return lengths ? lengths[b]! : T;
}

/** True when step t is the first one row b processes (its previous state is the initial one). */
export function isFirstStep(t: number, length: number, reverse: boolean): boolean {
  return reverse ? t === length - 1 : t === 0;
}

export function transposed(src: FloatArray, rows: number, cols: number): FloatArray {
  const out = alloc(src, src.length);
  transposeInto(src, 0, cols, rows, cols, out);
  return out;
}

export function copyOrZeros(like: FloatArray, info: TensorInfo | undefined, size: number): FloatArray {
  return info ? (info.handle as FloatArray).slice() : alloc(like, size);
}

export interface WeightGradients {
  dX: FloatArray;
  dWih: FloatArray;
  dWhh: FloatArray;
  dBih: FloatArray;
  dBhh: FloatArray;
}

/**
 * Phase 3 of the backward: gradients for every step at once. dGx feeds the input side (W_ih,
 * b_ih, X) and dGh the recurrent side (W_hh, b_hh); they differ only for the GRU.
 */
export function sequenceWeightGradients(
  dGx: FloatArray,
  dGh: FloatArray,
  X: FloatArray,
  Hprev: FloatArray,
  Wih: FloatArray,
  { B, T, I, H, GH }: SequenceDims,
): WeightGradients {
  const rows = B * T;
  const dX = alloc(X, rows * I);
  gemmNT({ rows, cols: I, depth: GH, left: matrix(dGx, GH), right: matrix(transposed(Wih, GH, I), GH), out: matrix(dX, I) });
  const dGxT = transposed(dGx, rows, GH);
  const dGhT = dGh === dGx ? dGxT : transposed(dGh, rows, GH);
  const dWih = alloc(X, GH * I);
  gemmNT({ rows: GH, cols: I, depth: rows, left: matrix(dGxT, rows), right: matrix(transposed(X, rows, I), rows), out: matrix(dWih, I) });
  const dWhh = alloc(X, GH * H);
  gemmNT({
    rows: GH,
    cols: H,
    depth: rows,
    left: matrix(dGhT, rows),
    right: matrix(transposed(Hprev, rows, H), rows),
    out: matrix(dWhh, H),
  });
  return { dX, dWih, dWhh, dBih: rowSums(dGxT, GH, rows), dBhh: rowSums(dGhT, GH, rows) };
}

function rowSums(M: FloatArray, rows: number, cols: number): FloatArray {
  const out = alloc(M, rows);
  for (let r = 0; r < rows; r++) {
    let total = 0;
    const base = r * cols;
    for (let c = 0; c < cols; c++) total += M[base + c]!;
    out[r] = total;
  }
  return out;
}

export function info(handle: FloatArray, shape: number[], like: TensorInfo): TensorInfo {
  return { handle, shape, dtype: like.dtype };
}
