// Fused GRU forward and backward (PyTorch's formulation), gates packed r, z, n (σ, or hardSigmoid when `hard`):
//   r = σ(P_r + R_r + b_hr)   z = σ(P_z + R_z + b_hz)   hn = R_n + b_hn
//   n = tanh(P_n + r ⊙ hn)    h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
// P = x W_ihᵀ + b_ih for all steps, R = h_{t−1} W_hhᵀ per step (b_hh stays apart: r multiplies
// only the recurrent part of n).

import { gemmPacked } from './gemm';
import { ld, splat, st, vgate, vgateGrad, vtanh } from './simd';
import { copyRows, f32s, inputGradients, isFirstStep, lengthOf, previousRow, projectInputs, stepAt, zeroRows } from './sequence';

// @ts-ignore: decorator
@inline
function forwardUnits(j: i32, full: bool, H: i32, hard: bool, p: usize, r: usize, bhh: usize, h: usize, y: usize, gates: usize, hnRow: usize): void {
  const at = f32s(j);
  const H1 = f32s(H);
  const H2 = f32s(2 * H);
  const rGate = vgate(f32x4.add(f32x4.add(ld(p + at, full), ld(r + at, full)), ld(bhh + at, full)), hard);
  const z = vgate(f32x4.add(f32x4.add(ld(p + H1 + at, full), ld(r + H1 + at, full)), ld(bhh + H1 + at, full)), hard);
  const hn = f32x4.add(ld(r + H2 + at, full), ld(bhh + H2 + at, full));
  const n = vtanh(f32x4.add(ld(p + H2 + at, full), f32x4.mul(rGate, hn)));
  const hNew = f32x4.add(f32x4.mul(f32x4.sub(splat(1), z), n), f32x4.mul(z, ld(h + at, full)));
  st(h + at, hNew, full);
  st(y + at, hNew, full);
  if (gates) {
    st(gates + at, rGate, full);
    st(gates + H1 + at, z, full);
    st(gates + H2 + at, n, full);
    st(hnRow + at, hn, full);
  }
}

/** y, h (from h0), and with `record` gates [B, T, 3H], hn [B, T, H]. W_ih, W_hh packed (NT); scratch P [B·T·3H], R [B·3H]. */
export function gruForward(
  B: i32, T: i32, I: i32, H: i32, reverse: bool, hard: bool, lengths: usize,
  x: usize, bih: usize, bhh: usize, h0: usize,
  y: usize, h: usize, gates: usize, hn: usize,
  P: usize, R: usize, packIh: usize, packHh: usize, b0: i32, b1: i32,
): void {
  const GH = 3 * H;
  projectInputs(b0 * T, b1 * T, I, GH, x, packIh, bih, 0, P);
  copyRows(h, h0, b0, b1, H);
  zeroRows(y, b0, b1, T * H);
  zeroRows(gates, b0, b1, T * GH);
  zeroRows(hn, b0, b1, T * H);
  for (let s = 0; s < T; s++) {
    const t = stepAt(s, T, reverse);
    gemmPacked(b1 - b0, GH, H, h + f32s(b0 * H), H, 1, packHh, R + f32s(b0 * GH), GH, false);
    for (let b = b0; b < b1; b++) {
      if (t >= lengthOf(lengths, b, T)) continue;
      const hb = f32s(b * H);
      const row = b * T + t;
      const p = P + f32s(row * GH);
      const rr = R + f32s(b * GH);
      const out = f32s(row * H);
      const g = gates ? gates + f32s(row * GH) : 0;
      let j = 0;
      for (; j + 4 <= H; j += 4) forwardUnits(j, true, H, hard, p, rr, bhh, h + hb, y + out, g, hn + out);
      for (; j < H; j++) forwardUnits(j, false, H, hard, p, rr, bhh, h + hb, y + out, g, hn + out);
    }
  }
}

// @ts-ignore: decorator
@inline
function backwardUnits(
  j: i32, full: bool, H: i32, hard: bool,
  gate: usize, hnRow: usize, hPrevRow: usize, dy: usize, dh: usize, dGx: usize, dGh: usize, hPrev: usize, dhStep: usize,
): void {
  const at = f32s(j);
  const H1 = f32s(H);
  const H2 = f32s(2 * H);
  const one = splat(1);
  const hp = ld(hPrevRow + at, full);
  st(hPrev + at, hp, full);
  let dhT = ld(dh + at, full);
  if (dy) dhT = f32x4.add(dhT, ld(dy + at, full));
  const r = ld(gate + at, full);
  const z = ld(gate + H1 + at, full);
  const n = ld(gate + H2 + at, full);
  const dnPre = f32x4.mul(f32x4.mul(dhT, f32x4.sub(one, z)), f32x4.sub(one, f32x4.mul(n, n)));
  const dzPre = f32x4.mul(f32x4.mul(dhT, f32x4.sub(hp, n)), vgateGrad(z, hard));
  const drPre = f32x4.mul(f32x4.mul(dnPre, ld(hnRow + at, full)), vgateGrad(r, hard));
  st(dGx + at, drPre, full);
  st(dGx + H1 + at, dzPre, full);
  st(dGx + H2 + at, dnPre, full);
  st(dGh + at, drPre, full);
  st(dGh + H1 + at, dzPre, full);
  st(dGh + H2 + at, f32x4.mul(dnPre, r), full);
  st(dh + at, f32x4.mul(dhT, z), full); // + dGh_t · W_hh after the step
  if (dhStep) st(dhStep + at, dhT, full);
}

/**
 * Backward through time for batch rows b0 .. b1; dh [B, H] comes in as dhIn (0 = zeros) and leaves as
 * dh0. W_ih, W_hh packed (NN); scratch dGx, dGh [B·T·3H], hPrev [B·T·H] (then `weightGradients`).
 */
export function gruBackward(
  B: i32, T: i32, I: i32, H: i32, reverse: bool, hard: bool, lengths: usize,
  x: usize, h0: usize, y: usize, gates: usize, hn: usize,
  dy: usize, dhIn: usize,
  dx: usize, dh: usize, dhSteps: usize,
  dGx: usize, dGh: usize, hPrev: usize, packIhNN: usize, packHhNN: usize, b0: i32, b1: i32,
): void {
  const GH = 3 * H;
  copyRows(dh, dhIn, b0, b1, H);
  zeroRows(dGx, b0, b1, T * GH);
  zeroRows(dGh, b0, b1, T * GH);
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
      const row = b * T + t;
      const out = f32s(row * H);
      const hPrevRow = previousRow(first, h0, y, b, T, tPrev, H);
      const g = gates + f32s(row * GH);
      const dyRow = dy ? dy + out : 0;
      const dhs = dhSteps ? dhSteps + out : 0;
      const gx = dGx + f32s(row * GH);
      const gh = dGh + f32s(row * GH);
      let j = 0;
      for (; j + 4 <= H; j += 4) backwardUnits(j, true, H, hard, g, hn + out, hPrevRow, dyRow, dh + hb, gx, gh, hPrev + out, dhs);
      for (; j < H; j++) backwardUnits(j, false, H, hard, g, hn + out, hPrevRow, dyRow, dh + hb, gx, gh, hPrev + out, dhs);
    }
    gemmPacked(b1 - b0, H, GH, dGh + f32s(b0 * T * GH + t * GH), T * GH, 1, packHhNN, dh + f32s(b0 * H), H, true);
  }
  inputGradients(b0 * T, b1 * T, I, GH, dGx, packIhNN, dx);
}
