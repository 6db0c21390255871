// Packed, register-blocked SGEMM: C[M, N] (+)= op(A)[M, K] · op(B)[K, N].
//
// Every operand is addressed by strides, so one kernel serves NN, NT and TN: element (i, k) of
// op(A) lives at a + 4·(i·ars + k·acs), element (k, j) of op(B) at b + 4·(j·bjs + k·bks).
// op(B) is first packed into panels of 8 columns, k-major and zero-padded (`packB`), so the
// micro-kernel reads two contiguous vectors per k. The micro-kernel keeps a 4 × 8 block of C in
// eight v128 accumulators; per k it loads 2 vectors of B, broadcasts 4 elements of A and issues
// 8 multiplies and 8 adds. The recurrent kernels pack W_hh once per sequence and reuse it every step.

import { madd } from './simd';

export const NR: i32 = 8;

/** Floats the packed form of an N × K operand takes. */
export function packedSize(N: i32, K: i32): i32 {
  return ((N + 7) & ~7) * K;
}

/** Packs op(B) into panels of 8 columns: panel p, row k holds op(B)[k, 8p .. 8p + 7]. */
export function packB(b: usize, bjs: i32, bks: i32, N: i32, K: i32, dst: usize): void {
  for (let p = 0; p < N; p += 8) {
    const cols = min(8, N - p);
    let d = dst + ((<usize>p * <usize>K) << 2);
    let k = 0;
    if (cols == 8 && bjs == 1) {
      // op(B) rows are contiguous: copy 8 floats per k.
      for (; k < K; k++) {
        const src = b + ((<usize>p + <usize>k * <usize>bks) << 2);
        v128.store(d, v128.load(src));
        v128.store(d, v128.load(src, 16), 16);
        d += 32;
      }
    } else if (cols == 8 && bks == 1) {
      // op(B) columns are contiguous (the NT form): transpose 8 × 4 tiles in registers.
      const row = <usize>bjs << 2;
      for (; k + 4 <= K; k += 4) {
        const src = b + ((<usize>p * <usize>bjs + <usize>k) << 2);
        transpose4(d, v128.load(src), v128.load(src + row), v128.load(src + 2 * row), v128.load(src + 3 * row));
        transpose4(d + 16, v128.load(src + 4 * row), v128.load(src + 5 * row), v128.load(src + 6 * row), v128.load(src + 7 * row));
        d += 128;
      }
    }
    for (; k < K; k++) {
      for (let jj = 0; jj < 8; jj++) {
        const v: f32 = jj < cols ? load<f32>(b + ((<usize>(p + jj) * <usize>bjs + <usize>k * <usize>bks) << 2)) : 0;
        store<f32>(d, v);
        d += 4;
      }
    }
  }
}

/** Writes the 4 × 4 transpose of rows r0..r3 as four vectors 32 bytes apart (one per k of a panel). */
// @ts-ignore: decorator
@inline
function transpose4(d: usize, r0: v128, r1: v128, r2: v128, r3: v128): void {
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(d, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
  v128.store(d, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7), 32);
  v128.store(d, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), 64);
  v128.store(d, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7), 96);
}

/** C[M, N] (+)= op(A) · packed op(B). */
export function gemmPacked(M: i32, N: i32, K: i32, a: usize, ars: i32, acs: i32, packed: usize, c: usize, ldc: i32, accumulate: bool): void {
  const M4 = M & ~3;
  if (M > N) {
    // Tall: each block of 4 rows of A meets every panel while it is still in cache (the panels
    // stream from L2). This is what keeps a strided op(A) — dGᵀ in the weight gradients — cheap.
    for (let i = 0; i < M4; i += 4) {
      const rows = a + ((<usize>i * <usize>ars) << 2);
      for (let p = 0; p < N; p += 8) {
        const panel = packed + ((<usize>p * <usize>K) << 2);
        block4(K, rows, ars, acs, panel, c + ((<usize>i * <usize>ldc + <usize>p) << 2), ldc, min(8, N - p), accumulate);
      }
    }
  } else {
    // Wide: each panel stays in L1 while every block of rows passes it.
    for (let p = 0; p < N; p += 8) {
      const panel = packed + ((<usize>p * <usize>K) << 2);
      const cols = min(8, N - p);
      for (let i = 0; i < M4; i += 4) {
        block4(K, a + ((<usize>i * <usize>ars) << 2), ars, acs, panel, c + ((<usize>i * <usize>ldc + <usize>p) << 2), ldc, cols, accumulate);
      }
    }
  }
  // Remaining rows (all of them for a matrix-vector product): two panels per pass.
  for (let i = M4; i < M; i++) {
    const row = a + ((<usize>i * <usize>ars) << 2);
    const out = c + ((<usize>i * <usize>ldc) << 2);
    let p = 0;
    for (; p + 16 <= N; p += 16) {
      const panel = packed + ((<usize>p * <usize>K) << 2);
      row2(K, row, acs, panel, panel + ((<usize>K * 8) << 2), out + (<usize>p << 2), accumulate);
    }
    for (; p < N; p += 8) block1(K, row, acs, packed + ((<usize>p * <usize>K) << 2), out + (<usize>p << 2), min(8, N - p), accumulate);
  }
}

/** Rows of a transposed op(A) packed at once: one 64-byte cache line of a row of A (dGᵀ's column). */
const A_ROWS: i32 = 16;

/**
 * Packs op(B) into `scratch`, then multiplies. `scratch` holds packedSize(N, K) + 16·K floats: when
 * op(A) is strided along k (a transposed operand, dGᵀ in the weight gradients), its rows are first
 * copied k-major after the panels, sixteen at a time when they are adjacent (one cache line per k,
 * read once, where four rows at a time read each line four times), so the micro-kernel reads 16
 * contiguous bytes per k instead of touching a new cache line for every k.
 */
export function gemm(
  M: i32, N: i32, K: i32,
  a: usize, ars: i32, acs: i32,
  b: usize, bjs: i32, bks: i32,
  c: usize, ldc: i32, accumulate: bool, scratch: usize,
): void {
  if (M == 0 || N == 0) return;
  packB(b, bjs, bks, N, K, scratch);
  if (acs == 1) {
    gemmPacked(M, N, K, a, ars, acs, scratch, c, ldc, accumulate);
    return;
  }
  const block = scratch + (<usize>packedSize(N, K) << 2);
  const sliver = <usize>K << 4; // bytes of four rows, k-major
  let i = 0;
  if (ars == 1) {
    for (; i + A_ROWS <= M; i += A_ROWS) {
      packA16(a + (<usize>i << 2), acs, K, block);
      for (let s = 0; s < A_ROWS / 4; s++) panels(K, N, block + <usize>s * sliver, scratch, c + ((<usize>(i + 4 * s) * <usize>ldc) << 2), ldc, accumulate);
    }
  }
  for (; i + 4 <= M; i += 4) {
    packA4(a + ((<usize>i * <usize>ars) << 2), ars, acs, K, block);
    panels(K, N, block, scratch, c + ((<usize>i * <usize>ldc) << 2), ldc, accumulate);
  }
  if (i < M) gemmPacked(M - i, N, K, a + ((<usize>i * <usize>ars) << 2), ars, acs, scratch, c + ((<usize>i * <usize>ldc) << 2), ldc, accumulate);
}

/** Four packed rows of A (k-major) against every panel of packed op(B). */
// @ts-ignore: decorator
@inline
function panels(K: i32, N: i32, rows: usize, packed: usize, c: usize, ldc: i32, accumulate: bool): void {
  for (let p = 0; p < N; p += 8) {
    block4(K, rows, 1, 4, packed + ((<usize>p * <usize>K) << 2), c + (<usize>p << 2), ldc, min(8, N - p), accumulate);
  }
}

/** Sixteen adjacent rows of op(A) (strided along k) as four k-major slivers of four rows each. */
function packA16(a: usize, acs: i32, K: i32, dst: usize): void {
  const kStep = <usize>acs << 2;
  const sliver = <usize>K << 4;
  for (let k = 0; k < K; k++) {
    const src = a + <usize>k * kStep;
    const at = dst + (<usize>k << 4);
    v128.store(at, v128.load(src));
    v128.store(at + sliver, v128.load(src, 16));
    v128.store(at + 2 * sliver, v128.load(src, 32));
    v128.store(at + 3 * sliver, v128.load(src, 48));
  }
}

/** dst[k·4 + r] = op(A)[r, k] for four rows (one v128 per k when the rows are adjacent). */
function packA4(a: usize, ars: i32, acs: i32, K: i32, dst: usize): void {
  const kStep = <usize>acs << 2;
  if (ars == 1) {
    for (let k = 0; k < K; k++) v128.store(dst + (<usize>k << 4), v128.load(a + <usize>k * kStep));
    return;
  }
  const rStep = <usize>ars << 2;
  for (let k = 0; k < K; k++) {
    const src = a + <usize>k * kStep;
    for (let r = 0; r < 4; r++) store<f32>(dst + (<usize>k << 4) + (<usize>r << 2), load<f32>(src + <usize>r * rStep));
  }
}

// @ts-ignore: decorator
@inline
function lanePut(at: usize, v: f32, accumulate: bool): void {
  store<f32>(at, accumulate ? load<f32>(at) + v : v);
}

// @ts-ignore: decorator
@inline
function put(dst: usize, v0: v128, v1: v128, cols: i32, accumulate: bool): void {
  if (cols == 8) {
    if (accumulate) {
      v0 = f32x4.add(v128.load(dst), v0);
      v1 = f32x4.add(v128.load(dst, 16), v1);
    }
    v128.store(dst, v0);
    v128.store(dst, v1, 16);
    return;
  }
  // A partial panel: lane by lane (no scratch in memory, which threads would share).
  lanePut(dst, f32x4.extract_lane(v0, 0), accumulate);
  if (cols > 1) lanePut(dst + 4, f32x4.extract_lane(v0, 1), accumulate);
  if (cols > 2) lanePut(dst + 8, f32x4.extract_lane(v0, 2), accumulate);
  if (cols > 3) lanePut(dst + 12, f32x4.extract_lane(v0, 3), accumulate);
  if (cols > 4) lanePut(dst + 16, f32x4.extract_lane(v1, 0), accumulate);
  if (cols > 5) lanePut(dst + 20, f32x4.extract_lane(v1, 1), accumulate);
  if (cols > 6) lanePut(dst + 24, f32x4.extract_lane(v1, 2), accumulate);
}

// @ts-ignore: decorator
@inline
function block4(K: i32, a: usize, ars: i32, acs: i32, panel: usize, c: usize, ldc: i32, cols: i32, accumulate: bool): void {
  const rowStep = <usize>ars << 2;
  const kStep = <usize>acs << 2;
  let a0 = a;
  let a1 = a0 + rowStep;
  let a2 = a1 + rowStep;
  let a3 = a2 + rowStep;
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let bp = panel;
  for (let k = 0; k < K; k++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    const x0 = v128.load32_splat(a0);
    const x1 = v128.load32_splat(a1);
    const x2 = v128.load32_splat(a2);
    const x3 = v128.load32_splat(a3);
    c00 = madd(x0, b0, c00);
    c01 = madd(x0, b1, c01);
    c10 = madd(x1, b0, c10);
    c11 = madd(x1, b1, c11);
    c20 = madd(x2, b0, c20);
    c21 = madd(x2, b1, c21);
    c30 = madd(x3, b0, c30);
    c31 = madd(x3, b1, c31);
    a0 += kStep;
    a1 += kStep;
    a2 += kStep;
    a3 += kStep;
    bp += 32;
  }
  const cStep = <usize>ldc << 2;
  put(c, c00, c01, cols, accumulate);
  put(c + cStep, c10, c11, cols, accumulate);
  put(c + 2 * cStep, c20, c21, cols, accumulate);
  put(c + 3 * cStep, c30, c31, cols, accumulate);
}

function block1(K: i32, a: usize, acs: i32, panel: usize, c: usize, cols: i32, accumulate: bool): void {
  const kStep = <usize>acs << 2;
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
  let a0 = a;
  let bp = panel;
  for (let k = 0; k < K; k++) {
    const x0 = v128.load32_splat(a0);
    c0 = madd(x0, v128.load(bp), c0);
    c1 = madd(x0, v128.load(bp, 16), c1);
    a0 += kStep;
    bp += 32;
  }
  put(c, c0, c1, cols, accumulate);
}

/** One row against two full panels (16 columns): one broadcast feeds four multiply-adds. */
function row2(K: i32, a: usize, acs: i32, panel0: usize, panel1: usize, c: usize, accumulate: bool): void {
  const kStep = <usize>acs << 2;
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  let a0 = a;
  let b0 = panel0;
  let b1 = panel1;
  for (let k = 0; k < K; k++) {
    const x = v128.load32_splat(a0);
    c0 = madd(x, v128.load(b0), c0);
    c1 = madd(x, v128.load(b0, 16), c1);
    c2 = madd(x, v128.load(b1), c2);
    c3 = madd(x, v128.load(b1, 16), c3);
    a0 += kStep;
    b0 += 32;
    b1 += 32;
  }
  put(c, c0, c1, 8, accumulate);
  put(c + 32, c2, c3, 8, accumulate);
}

// Operands for the peak kernel, small enough to stay in L1 (16 KB): A [16, 128], op(B) packed
// [128 × 16], C [16, 16]. Zeros: no denormals, no exceptions. Only the peak kernel writes C.
const PEAK_M = 16;
const PEAK_N = 16;
const PEAK_K = 128;
const peakA = memory.data(PEAK_M * PEAK_K * 4, 16);
const peakPacked = memory.data(PEAK_N * PEAK_K * 4, 16);
const peakC = memory.data(PEAK_M * PEAK_N * 4, 16);

/**
 * The machine's SIMD multiply-add peak, measured: the SGEMM itself — 4 × 8 blocks, per k two
 * vectors of B and four broadcasts of A feeding eight independent multiply-add chains — on a
 * product whose operands stay in L1, so memory costs nothing. It is the fastest this instruction
 * mix (128-bit lanes, a multiply and an add per lane-step) runs on this engine and machine; a
 * product of the reference workload reaches it as far as its memory traffic, packing and edges
 * allow. Returns a value read from C so nothing is optimised away.
 */
export function peakKernel(iterations: i32): f32 {
  for (let n = 0; n < iterations; n++) gemmPacked(PEAK_M, PEAK_N, PEAK_K, peakA, PEAK_K, 1, peakPacked, peakC, PEAK_N, false);
  return load<f32>(peakC);
}

/** Floating-point operations one call of peakKernel performs. */
export function peakFlops(iterations: i32): f64 {
  return <f64>iterations * 2 * PEAK_M * PEAK_N * PEAK_K;
}
