// Fused vanilla RNN: h_t = act(P_t + h_{t−1} W_hhᵀ) with P = x W_ihᵀ + b_ih + b_hh; act = tanh | relu.
// Backward: dpre_t = (dh + dy_t) ⊙ act'(h_t) with tanh' = 1 − h², relu' = [h > 0]; dh_{t−1} = dpre_t · W_hh.

import { gemmPacked } from './gemm';
import { splat, vtanh } from './simd';
import { copyOrZero, f32s, isFirstStep, lengthOf, projectInputs, stepAt, weightGradients, zero } from './sequence';

// @ts-ignore: decorator
@inline
function ld(ptr: usize, full: bool): v128 {
  return full ? v128.load(ptr) : f32x4.splat(load<f32>(ptr));
}

// @ts-ignore: decorator
@inline
function st(ptr: usize, v: v128, full: bool): void {
  if (full) v128.store(ptr, v);
  else store<f32>(ptr, f32x4.extract_lane(v, 0));
}

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
  y: usize, h: usize, P: usize, packIh: usize, packHh: usize,
): void {
  projectInputs(B * T, I, H, x, packIh, bih, bhh, P);
  memory.copy(h, h0, f32s(B * H));
  zero(y, B * T * H);
  for (let s = 0; s < T; s++) {
    const t = stepAt(s, T, reverse);
    gemmPacked(B, H, H, h, H, 1, packHh, P + f32s(t * H), T * H, true);
    for (let b = 0; b < B; b++) {
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

/** Backward through time. W_ih, W_hh packed (NN); scratch dG [B·T·H], hPrev [B·T·H], pack. */
export function rnnBackward(
  B: i32, T: i32, I: i32, H: i32, relu: bool, reverse: bool, lengths: usize,
  x: usize, h0: usize, y: usize,
  dy: usize, dhIn: usize,
  dx: usize, dh: usize, dWih: usize, dWhh: usize, dBih: usize, dBhh: usize, dhSteps: usize,
  dG: usize, hPrev: usize, packIhNN: usize, packHhNN: usize, pack: usize,
): void {
  copyOrZero(dh, dhIn, B * H);
  zero(dG, B * T * H);
  zero(hPrev, B * T * H);
  zero(dhSteps, B * T * H);
  for (let s = T - 1; s >= 0; s--) {
    const t = stepAt(s, T, reverse);
    const tPrev = reverse ? t + 1 : t - 1;
    for (let b = 0; b < B; b++) {
      const length = lengthOf(lengths, b, T);
      if (t >= length) continue;
      const first = isFirstStep(t, length, reverse);
      const hb = f32s(b * H);
      const out = f32s((b * T + t) * H);
      const hPrevRow = first ? h0 + hb : y + f32s((b * T + tPrev) * H);
      const dyRow = dy ? dy + out : 0;
      const dhs = dhSteps ? dhSteps + out : 0;
      let j = 0;
      for (; j + 4 <= H; j += 4) backwardUnits(j, true, relu, y + out, hPrevRow, dyRow, dh + hb, dG + out, hPrev + out, dhs);
      for (; j < H; j++) backwardUnits(j, false, relu, y + out, hPrevRow, dyRow, dh + hb, dG + out, hPrev + out, dhs);
    }
    gemmPacked(B, H, H, dG + f32s(t * H), T * H, 1, packHhNN, dh, H, true);
  }
  weightGradients(B * T, I, H, H, dG, dG, x, hPrev, packIhNN, dx, dWih, dWhh, dBih, dBhh, pack);
}
