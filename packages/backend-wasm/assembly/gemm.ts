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
    if (cols == 8 && bjs == 1) {
      for (let k = 0; k < K; k++) {
        const src = b + ((<usize>p + <usize>k * <usize>bks) << 2);
        v128.store(d, v128.load(src));
        v128.store(d, v128.load(src, 16), 16);
        d += 32;
      }
      continue;
    }
    for (let k = 0; k < K; k++) {
      for (let jj = 0; jj < 8; jj++) {
        const v: f32 = jj < cols ? load<f32>(b + ((<usize>(p + jj) * <usize>bjs + <usize>k * <usize>bks) << 2)) : 0;
        store<f32>(d, v);
        d += 4;
      }
    }
  }
}

const spill = memory.data(32 * 4, 16);

/** C[M, N] (+)= op(A) · packed op(B). */
export function gemmPacked(M: i32, N: i32, K: i32, a: usize, ars: i32, acs: i32, packed: usize, c: usize, ldc: i32, accumulate: bool): void {
  for (let p = 0; p < N; p += 8) {
    const panel = packed + ((<usize>p * <usize>K) << 2);
    const cols = min(8, N - p);
    let i = 0;
    for (; i + 4 <= M; i += 4) block4(K, a + ((<usize>i * <usize>ars) << 2), ars, acs, panel, c + ((<usize>i * <usize>ldc + <usize>p) << 2), ldc, cols, accumulate);
    for (; i < M; i++) block1(K, a + ((<usize>i * <usize>ars) << 2), acs, panel, c + ((<usize>i * <usize>ldc + <usize>p) << 2), cols, accumulate);
  }
}

/** Packs op(B) into `scratch` (packedSize(N, K) floats), then multiplies. */
export function gemm(
  M: i32, N: i32, K: i32,
  a: usize, ars: i32, acs: i32,
  b: usize, bjs: i32, bks: i32,
  c: usize, ldc: i32, accumulate: bool, scratch: usize,
): void {
  if (M == 0 || N == 0) return;
  packB(b, bjs, bks, N, K, scratch);
  gemmPacked(M, N, K, a, ars, acs, scratch, c, ldc, accumulate);
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
  v128.store(spill, v0);
  v128.store(spill, v1, 16);
  for (let j = 0; j < cols; j++) {
    const at = dst + (<usize>j << 2);
    const v = load<f32>(spill + (<usize>j << 2));
    store<f32>(at, accumulate ? load<f32>(at) + v : v);
  }
}

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

/**
 * The machine's SIMD multiply-add peak, measured: twelve independent accumulators, each
 * acc += x · y per iteration (a multiply and an add on four lanes, as the GEMM issues them).
 * Returns a value that depends on every accumulator so nothing is optimised away.
 */
export function peakKernel(iterations: i32): f32 {
  const y = f32x4.splat(0.999);
  let x0 = f32x4.splat(1.0), x1 = f32x4.splat(1.1), x2 = f32x4.splat(1.2), x3 = f32x4.splat(1.3);
  let x4 = f32x4.splat(1.4), x5 = f32x4.splat(1.5);
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0), s4 = f32x4.splat(0), s5 = f32x4.splat(0);
  let s6 = f32x4.splat(0), s7 = f32x4.splat(0), s8 = f32x4.splat(0), s9 = f32x4.splat(0), s10 = f32x4.splat(0), s11 = f32x4.splat(0);
  for (let n = 0; n < iterations; n++) {
    s0 = madd(x0, y, s0);
    s1 = madd(x1, y, s1);
    s2 = madd(x2, y, s2);
    s3 = madd(x3, y, s3);
    s4 = madd(x4, y, s4);
    s5 = madd(x5, y, s5);
    s6 = madd(x0, x1, s6);
    s7 = madd(x2, x3, s7);
    s8 = madd(x4, x5, s8);
    s9 = madd(x1, x2, s9);
    s10 = madd(x3, x4, s10);
    s11 = madd(x5, x0, s11);
  }
  const t = f32x4.add(f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3)), f32x4.add(f32x4.add(s4, s5), f32x4.add(s6, s7)));
  const u = f32x4.add(t, f32x4.add(f32x4.add(s8, s9), f32x4.add(s10, s11)));
  return f32x4.extract_lane(u, 0) + f32x4.extract_lane(u, 3);
}

/** Floating-point operations one call of peakKernel performs. */
export function peakFlops(iterations: i32): f64 {
  return <f64>iterations * 12 * 8;
}
