// Fused vanilla RNN: h_t = act(P_t + h_{t−1} W_hhᵀ) with P = x W_ihᵀ + b_ih + b_hh; act = tanh | relu.
// Backward: dpre_t = (dh + dy_t) ⊙ act'(h_t) with tanh' = 1 − h², relu' = [h > 0]; dh_{t−1} = dpre_t · W_hh.

import { gemmPacked } from './gemm';
import { ld, splat, st, vtanh } from './simd';
import { copyRows, f32s, inputGradients, isFirstStep, lengthOf, previousRow, projectInputs, stepAt, zeroRows } from './sequence';

// @ts-ignore: decorator
@inline
function forwardUnits(j: i32, full: bool, relu: bool, pre: usize, h: usize, y: usize): void {
  const at = f32s(j);
  const x = ld(pre + at, full);
  const hNew = relu ? f32x4.max(x, splat(0)) : vtanh(x); // f32x4.max keeps NaN, as PyTorch's relu does
  st(h + at, hNew, full);
  st(y + at, hNew, full);
}

/** y, h (from h0). W_ih, W_hh packed (NT); scratch P [B·T·H]. */
export function rnnForward(
  B: i32, T: i32, I: i32, H: i32, relu: bool, reverse: bool, lengths: usize,
  x: usize, bih: usize, bhh: usize, h0: usize,
  y: usize, h: usize, P: usize, packIh: usize, packHh: usize, b0: i32, b1: i32,
): void {
  projectInputs(b0 * T, b1 * T, I, H, x, packIh, bih, bhh, P);
  copyRows(h, h0, b0, b1, H);
  zeroRows(y, b0, b1, T * H);
  for (let s = 0; s < T; s++) {
    const t = stepAt(s, T, reverse);
    gemmPacked(b1 - b0, H, H, h + f32s(b0 * H), H, 1, packHh, P + f32s(b0 * T * H + t * H), T * H, true);
    for (let b = b0; b < b1; b++) {
      if (t >= lengthOf(lengths, b, T)) continue;
      const hb = f32s(b * H);
      const out = f32s((b * T + t) * H);
      let j = 0;
      for (; j + 4 <= H; j += 4) forwardUnits(j, true, relu, P + out, h + hb, y + out);
      for (; j < H; j++) forwardUnits(j, false, relu, P + out, h + hb, y + out);
    }
  }
}

// @ts-ignore: decorator
@inline
function backwardUnits(j: i32, full: bool, relu: bool, yRow: usize, hPrevRow: usize, dy: usize, dh: usize, dG: usize, hPrev: usize, dhStep: usize): void {
  const at = f32s(j);
  st(hPrev + at, ld(hPrevRow + at, full), full);
  let dhT = ld(dh + at, full);
  if (dy) dhT = f32x4.add(dhT, ld(dy + at, full));
  const h = ld(yRow + at, full);
  const slope = relu ? v128.and(f32x4.gt(h, splat(0)), splat(1)) : f32x4.sub(splat(1), f32x4.mul(h, h));
  st(dG + at, f32x4.mul(dhT, slope), full);
  st(dh + at, splat(0), full);
  if (dhStep) st(dhStep + at, dhT, full);
}

/** Backward through time for batch rows b0 .. b1. W_ih, W_hh packed (NN); scratch dG, hPrev [B·T·H] (then `weightGradients`). */
export function rnnBackward(
  B: i32, T: i32, I: i32, H: i32, relu: bool, reverse: bool, lengths: usize,
  x: usize, h0: usize, y: usize,
  dy: usize, dhIn: usize,
  dx: usize, dh: usize, dhSteps: usize,
  dG: usize, hPrev: usize, packIhNN: usize, packHhNN: usize, b0: i32, b1: i32,
): void {
  copyRows(dh, dhIn, b0, b1, H);
  zeroRows(dG, b0, b1, T * H);
  zeroRows(hPrev, b0, b1, T * H);
  zeroRows(dhSteps, b0, b1, T * H);
  for (let s = T - 1; s >= 0; s--) {
    const t = stepAt(s, T, reverse);
    const tPrev = reverse ? t + 1 : t - 1;
    for (let b = b0; b < b1; b++) {
      const length = lengthOf(lengths, b, T);
      if (t >= length) continue;
      const first = isFirstStep(t, length, reverse);
      const hb = f32s(b * H);
      const out = f32s((b * T + t) * H);
      const hPrevRow = previousRow(first, h0, y, b, T, tPrev, H);
      const dyRow = dy ? dy + out : 0;
      const dhs = dhSteps ? dhSteps + out : 0;
      let j = 0;
      for (; j + 4 <= H; j += 4) backwardUnits(j, true, relu, y + out, hPrevRow, dyRow, dh + hb, dG + out, hPrev + out, dhs);
      for (; j < H; j++) backwardUnits(j, false, relu, y + out, hPrevRow, dyRow, dh + hb, dG + out, hPrev + out, dhs);
    }
    gemmPacked(b1 - b0, H, H, dG + f32s(b0 * T * H + t * H), T * H, 1, packHhNN, dh + f32s(b0 * H), H, true);
  }
  inputGradients(b0 * T, b1 * T, I, H, dG, packIhNN, dx);
}
