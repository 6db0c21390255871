import type { FloatArray } from '@lstm/core';

/**
 * A row-major matrix inside a flat array: element (r, c) sits at data[offset + r · stride + c].
 * `stride` is the distance between rows (≥ the number of columns); views into a larger buffer
 * (one time step of a [B, T, G·H] tensor, say) set `offset` and a wider `stride`.
 */
export interface Matrix {
  readonly data: FloatArray;
  readonly stride: number;
  readonly offset?: number;
}

/** `data` read as a matrix with rows `stride` apart, starting at `offset`. */
export function matrix(data: FloatArray, stride: number, offset = 0): Matrix {
  return { data, stride, offset };
}

/**
 * The product out[rows, cols] = left[rows, depth] · right[cols, depth]ᵀ (+= with `accumulate`).
 * `right` is stored with one row per output column: the "dot" form, both operands read along
 * contiguous rows.
 */
export interface ProductNT {
  readonly rows: number;
  readonly cols: number;
  readonly depth: number;
  readonly left: Matrix;
  readonly right: Matrix;
  readonly out: Matrix;
  readonly accumulate?: boolean;
}

/** A helper that may run part of a large product on other threads; installed by a threaded backend. */
export interface ParallelGemm {
  /** Returns false when it declines (too small), so the caller runs the product serially. */
  run(product: ProductNT): boolean;
}

let parallel: ParallelGemm | null = null;

/** Runs `fn` with `helper` serving the products it computes (the threaded backend wraps its kernels). */
export function withParallelGemm<T>(helper: ParallelGemm | null, fn: () => T): T {
  const previous = parallel;
  parallel = helper;
  try {
    return fn();
  } finally {
    parallel = previous;
  }
}

/**
 * out = left · rightᵀ (see `ProductNT`). This "dot" form reads both operands along contiguous
 * rows, which is what a scalar JIT does best: a 4×4 register block keeps 16 accumulators live
 * and loads 8 values per 16 multiply-adds. Loops run right-block outer, left-block inner so
 * four rows of `right` stay in L1 while every row of `left` streams past; rows left over (a
 * batch of 1) take a 1×8 path. Sums accumulate in float64 (JS numbers) and round once.
 */
export function gemmNT(product: ProductNT): void {
  if (parallel?.run(product)) return;
  const { rows, cols, depth, left, right, out, accumulate = false } = product;
  // biome-ignore format: one operand per line, as BLAS lists them
  gemmSerial(
    rows, cols, depth,
    left.data, left.offset ?? 0, left.stride,
    right.data, right.offset ?? 0, right.stride,
    out.data, out.offset ?? 0, out.stride,
    accumulate,
  );
}

/**
 * The single-threaded kernel behind `gemmNT`, in BLAS's positional form (C[M,N] (+)= A[M,K] ·
 * B[N,K]ᵀ with row strides lda, ldb, ldc and start offsets): worker threads run this very
 * function on their share of the columns, shipped as source, so it takes plain numbers only.
 */
// biome-ignore format: a register-blocked kernel reads as a table: one block row per line
export function gemmSerial(
  M: number, N: number, K: number,
  A: FloatArray, aOff: number, lda: number,
  B: FloatArray, bOff: number, ldb: number,
  C: FloatArray, cOff: number, ldc: number,
  accumulate: boolean,
): void {
  const M4 = M - (M % 4);
  const N4 = N - (N % 4);
  for (let n = 0; n < N4; n += 4) {
    const b0 = bOff + n * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
    for (let m = 0; m < M4; m += 4) {
      const a0 = aOff + m * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let k = 0; k < K; k++) {
        const x0 = A[a0 + k]!, x1 = A[a1 + k]!, x2 = A[a2 + k]!, x3 = A[a3 + k]!;
        const y0 = B[b0 + k]!, y1 = B[b1 + k]!, y2 = B[b2 + k]!, y3 = B[b3 + k]!;
        c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
        c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
        c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
        c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
      }
      let o = cOff + m * ldc + n;
      if (accumulate) {
        C[o]! += c00; C[o + 1]! += c01; C[o + 2]! += c02; C[o + 3]! += c03; o += ldc;
        C[o]! += c10; C[o + 1]! += c11; C[o + 2]! += c12; C[o + 3]! += c13; o += ldc;
        C[o]! += c20; C[o + 1]! += c21; C[o + 2]! += c22; C[o + 3]! += c23; o += ldc;
        C[o]! += c30; C[o + 1]! += c31; C[o + 2]! += c32; C[o + 3]! += c33;
      } else {
        C[o] = c00; C[o + 1] = c01; C[o + 2] = c02; C[o + 3] = c03; o += ldc;
        C[o] = c10; C[o + 1] = c11; C[o + 2] = c12; C[o + 3] = c13; o += ldc;
        C[o] = c20; C[o + 1] = c21; C[o + 2] = c22; C[o + 3] = c23; o += ldc;
        C[o] = c30; C[o + 1] = c31; C[o + 2] = c32; C[o + 3] = c33;
      }
    }
  }
  // Leftover columns of the 4-row blocks: plain dot products.
  for (let n = N4; n < N; n++) {
    const b0 = bOff + n * ldb;
    for (let m = 0; m < M4; m++) {
      const a0 = aOff + m * lda;
      let c = 0;
      for (let k = 0; k < K; k++) c += A[a0 + k]! * B[b0 + k]!;
      const o = cOff + m * ldc + n;
      if (accumulate) C[o]! += c;
      else C[o] = c;
    }
  }
  if (M4 < M) leftoverRows(M4, M, N, K, A, aOff, lda, B, bOff, ldb, C, cOff, ldc, accumulate);
}

/**
 * Rows that do not fill a 4-row block (all of them for a batch of 1: a matrix–vector product).
 * One row of A against eight rows of B at a time: 9 loads per 8 multiply-adds, which measured
 * 25% faster than four at a time for a [1, 128] · [512, 128]ᵀ product.
 */
// biome-ignore format: a register-blocked kernel reads as a table: one block row per line
export function leftoverRows(
  M0: number, M: number, N: number, K: number,
  A: FloatArray, aOff: number, lda: number,
  B: FloatArray, bOff: number, ldb: number,
  C: FloatArray, cOff: number, ldc: number,
  accumulate: boolean,
): void {
  const N8 = N - (N % 8);
  for (let m = M0; m < M; m++) {
    const a = aOff + m * lda;
    const out = cOff + m * ldc;
    for (let n = 0; n < N8; n += 8) {
      const b0 = bOff + n * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
      const b4 = b3 + ldb, b5 = b4 + ldb, b6 = b5 + ldb, b7 = b6 + ldb;
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0, c4 = 0, c5 = 0, c6 = 0, c7 = 0;
      for (let k = 0; k < K; k++) {
        const x = A[a + k]!;
        c0 += x * B[b0 + k]!; c1 += x * B[b1 + k]!; c2 += x * B[b2 + k]!; c3 += x * B[b3 + k]!;
        c4 += x * B[b4 + k]!; c5 += x * B[b5 + k]!; c6 += x * B[b6 + k]!; c7 += x * B[b7 + k]!;
      }
      const o = out + n;
      if (accumulate) {
        C[o]! += c0; C[o + 1]! += c1; C[o + 2]! += c2; C[o + 3]! += c3; C[o + 4]! += c4; C[o + 5]! += c5; C[o + 6]! += c6; C[o + 7]! += c7;
      } else {
        C[o] = c0; C[o + 1] = c1; C[o + 2] = c2; C[o + 3] = c3; C[o + 4] = c4; C[o + 5] = c5; C[o + 6] = c6; C[o + 7] = c7;
      }
    }
    for (let n = N8; n < N; n++) {
      const b0 = bOff + n * ldb;
      let c = 0;
      for (let k = 0; k < K; k++) c += A[a + k]! * B[b0 + k]!;
      if (accumulate) C[out + n]! += c;
      else C[out + n] = c;
    }
  }
}
