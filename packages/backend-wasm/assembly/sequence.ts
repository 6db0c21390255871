// Plumbing shared by the fused recurrent kernels (the same three phases as backend-cpu's):
//   1. all input projections in one GEMM:   P[B·T, G·H] = X · W_ihᵀ + bias
//   2. per step, one small GEMM h · W_hhᵀ against W_hh packed once, and the vectorised gate math
//   3. backward only: dX = dG · W_ih, dW_ih = dGᵀ · X, dW_hh = dGᵀ · H_prev, db = Σ_rows dG
// Pointers are byte addresses in the backend's one linear memory; the caller (TypeScript) sizes
// and owns every buffer, including the packing scratch. Outputs that stay zero at padded steps are
// zeroed here, because the allocator hands out reused memory.

import { gemm, gemmPacked } from './gemm';

// @ts-ignore: decorator
@inline
export function f32s(n: i32): usize {
  return <usize>n << 2;
}

// @ts-ignore: decorator
@inline
export function stepAt(s: i32, T: i32, reverse: bool): i32 {
  return reverse ? T - 1 - s : s;
}

// @ts-ignore: decorator
@inline
export function lengthOf(lengths: usize, b: i32, T: i32): i32 {
  return lengths ? load<i32>(lengths + f32s(b)) : T;
}

// @ts-ignore: decorator
@inline
export function isFirstStep(t: i32, length: i32, reverse: bool): bool {
  return reverse ? t == length - 1 : t == 0;
}

/** Zeroes rows b0 .. b1 of a buffer of `per` floats per row (nothing when ptr is 0: an absent output). */
export function zeroRows(ptr: usize, b0: i32, b1: i32, per: i32): void {
  if (ptr) memory.fill(ptr + f32s(b0 * per), 0, f32s((b1 - b0) * per));
}

/** Rows b0 .. b1 of dst (`per` floats per row) from the same rows of src, or zeros when src is 0. */
export function copyRows(dst: usize, src: usize, b0: i32, b1: i32, per: i32): void {
  if (src) memory.copy(dst + f32s(b0 * per), src + f32s(b0 * per), f32s((b1 - b0) * per));
  else zeroRows(dst, b0, b1, per);
}

/** Row b of the state before step t (H floats): the initial state on the row's first step, else the sequence's row at tPrev. */
// @ts-ignore: decorator
@inline
export function previousRow(first: bool, initial: usize, sequence: usize, b: i32, T: i32, tPrev: i32, H: i32): usize {
  return first ? initial + f32s(b * H) : sequence + f32s((b * T + tPrev) * H);
}

/** Rows r0 .. r1 of P[rows, GH]: biasA (+ biasB) in every row, then += X · W_ihᵀ (W_ih packed in NT form). */
export function projectInputs(r0: i32, r1: i32, I: i32, GH: i32, x: usize, packIh: usize, biasA: usize, biasB: usize, P: usize): void {
  if (r1 <= r0) return;
  const first = P + f32s(r0 * GH);
  for (let j = 0; j < GH; j++) store<f32>(first + f32s(j), load<f32>(biasA + f32s(j)) + (biasB ? load<f32>(biasB + f32s(j)) : 0));
  for (let row = r0 + 1; row < r1; row++) memory.copy(P + f32s(row * GH), first, f32s(GH));
  gemmPacked(r1 - r0, GH, I, x + f32s(r0 * I), I, 1, packIh, first, GH, true);
}

/** dX for rows r0 .. r1: dGx · W_ih (W_ih packed in NN form). */
export function inputGradients(r0: i32, r1: i32, I: i32, GH: i32, dGx: usize, packIhNN: usize, dx: usize): void {
  if (r1 > r0) gemmPacked(r1 - r0, I, GH, dGx + f32s(r0 * GH), GH, 1, packIhNN, dx + f32s(r0 * I), I, false);
}

/** Columns c0 .. c1 of the column sums of M[rows, cols] into out. */
function columnSums(M: usize, rows: i32, cols: i32, c0: i32, c1: i32, out: usize): void {
  memory.fill(out + f32s(c0), 0, f32s(c1 - c0));
  for (let r = 0; r < rows; r++) {
    const src = M + f32s(r * cols);
    let j = c0;
    for (; j + 4 <= c1; j += 4) v128.store(out + f32s(j), f32x4.add(v128.load(out + f32s(j)), v128.load(src + f32s(j))));
    for (; j < c1; j++) store<f32>(out + f32s(j), load<f32>(out + f32s(j)) + load<f32>(src + f32s(j)));
  }
}

/**
 * Phase 3, for gate rows g0 .. g1 of the weight gradients (threads split the gate rows): sums over
 * every step at once. dGx feeds the input side (W_ih, b_ih) and dGh the recurrent side (W_hh,
 * b_hh); they differ only for the GRU. `pack` holds packedSize(max(I, H), rows) + 4 · rows floats.
 */
export function weightGradients(
  rows: i32, I: i32, H: i32, GH: i32,
  dGx: usize, dGh: usize, x: usize, hPrev: usize,
  dWih: usize, dWhh: usize, dBih: usize, dBhh: usize, pack: usize, g0: i32, g1: i32,
): void {
  if (g1 <= g0) return;
  // dW_ih[g0..g1, I] = dGxᵀ · X      (op(A)(g, row) at row·GH + g)
  gemm(g1 - g0, I, rows, dGx + f32s(g0), 1, GH, x, 1, I, dWih + f32s(g0 * I), I, false, pack);
  // dW_hh[g0..g1, H] = dGhᵀ · H_prev
  gemm(g1 - g0, H, rows, dGh + f32s(g0), 1, GH, hPrev, 1, H, dWhh + f32s(g0 * H), H, false, pack);
  columnSums(dGx, rows, GH, g0, g1, dBih);
  columnSums(dGh, rows, GH, g0, g1, dBhh);
}
