import type { FloatArray, MatMulAttrs, MatMulInputs, TensorInfo } from '@lstm/core';
import { alloc, transposeInto } from './buffers.js';
import { gemmNT, matrix } from './gemm.js';

/**
 * C = op(A) · op(B). Everything is brought to the dot form C = A · Bᵀ that `gemmNT` runs fast:
 * A must be [M, K] and B must be [N, K]; a transpose costs O(size), the product O(M·N·K).
 */
export function MatMul({ a, b }: MatMulInputs, { transposeA, transposeB }: MatMulAttrs): TensorInfo {
  let A = a.handle as FloatArray;
  let B = b.handle as FloatArray;
  const [aRows, aCols] = a.shape as [number, number];
  const [bRows, bCols] = b.shape as [number, number];
  const M = transposeA ? aCols : aRows;
  const K = transposeA ? aRows : aCols;
  const N = transposeB ? bRows : bCols;
  if (transposeA) {
    const t = alloc(A, A.length);
    transposeInto(A, 0, aCols, aRows, aCols, t);
    A = t;
  }
  if (!transposeB) {
    const t = alloc(B, B.length);
    transposeInto(B, 0, bCols, bRows, bCols, t);
    B = t;
  }
  const C = alloc(A, M * N);
  gemmNT({ rows: M, cols: N, depth: K, left: matrix(A, K), right: matrix(B, K), out: matrix(C, N) });
  return { handle: C, shape: [M, N], dtype: a.dtype };
}
