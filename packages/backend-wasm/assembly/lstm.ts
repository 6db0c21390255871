// Fused LSTM forward and backward over a whole sequence (spec §2): one call per layer and
// direction. Gates are packed i, f, g, o (coupled: f, g, o with i = 1 − f); peephole weights are
// one [3H] vector p_i, p_f, p_o; gates squash with σ or (HARD) hardSigmoid. The formulas are backend-cpu's, four hidden units per instruction.

import { gemmPacked } from './gemm';
import { ld, madd, splat, st, vgate, vgateGrad, vtanh } from './simd';
import { copyRows, f32s, inputGradients, isFirstStep, lengthOf, previousRow, projectInputs, stepAt, zeroRows } from './sequence';

// Variant bits: the cell's variant, and hardSigmoid gates.
const PEEPHOLE = 1;
const COUPLED = 2;
const HARD = 4;

/** Byte offset of gate block k (i = 0, f, g, o) in a packed row; the coupled variant has no i block. */
// @ts-ignore: decorator
@inline
function gateOffset(k: i32, coupled: bool, H: i32): usize {
  return f32s((coupled ? k - 1 : k) * H);
}

/** h_t, c_t for hidden units j .. j + 3 (or j alone when !full) of one batch row. */
// @ts-ignore: decorator
@inline
function forwardUnits(
  j: i32, full: bool, H: i32, variant: i32,
  p: usize, c: usize, h: usize, y: usize, peep: usize, gates: usize, cells: usize,
): void {
  const at = f32s(j);
  const coupled = (variant & COUPLED) != 0;
  const peephole = (variant & PEEPHOLE) != 0;
  const hard = (variant & HARD) != 0;
  const oF = gateOffset(1, coupled, H);
  const oG = gateOffset(2, coupled, H);
  const oO = gateOffset(3, coupled, H);
  const cPrev = ld(c + at, full);
  let fPre = ld(p + oF + at, full);
  let i = splat(0);
  if (!coupled) {
    let iPre = ld(p + at, full);
    if (peephole) {
      iPre = madd(ld(peep + at, full), cPrev, iPre);
      fPre = madd(ld(peep + f32s(H) + at, full), cPrev, fPre);
    }
    i = vgate(iPre, hard);
  }
  const f = vgate(fPre, hard);
  if (coupled) i = f32x4.sub(splat(1), f);
  const g = vtanh(ld(p + oG + at, full));
  const cNew = f32x4.add(f32x4.mul(f, cPrev), f32x4.mul(i, g));
  let oPre = ld(p + oO + at, full);
  if (peephole) oPre = madd(ld(peep + f32s(2 * H) + at, full), cNew, oPre);
  const o = vgate(oPre, hard);
  const hNew = f32x4.mul(o, vtanh(cNew));
  st(c + at, cNew, full);
  st(h + at, hNew, full);
  st(y + at, hNew, full);
  if (gates) {
    if (!coupled) st(gates + at, i, full);
    st(gates + oF + at, f, full);
    st(gates + oG + at, g, full);
    st(gates + oO + at, o, full);
    st(cells + at, cNew, full);
  }
}

/**
 * y[B, T, H], h and c [B, H] (initialised from h0, c0 here), and with `record` gates [B, T, GH]
 * and cells [B, T, H]. W_ih and W_hh arrive packed in NT form (packB); scratch P [B·T·GH]. Batch rows
 * b0 .. b1 only: rows are independent through time, so threads split the batch with no barrier.
 */
export function lstmForward(
  B: i32, T: i32, I: i32, H: i32, variant: i32, reverse: bool, lengths: usize,
  x: usize, bih: usize, bhh: usize, peep: usize, h0: usize, c0: usize,
  y: usize, h: usize, c: usize, gates: usize, cells: usize,
  P: usize, packIh: usize, packHh: usize, b0: i32, b1: i32,
): void {
  const GH = ((variant & COUPLED) != 0 ? 3 : 4) * H;
  projectInputs(b0 * T, b1 * T, I, GH, x, packIh, bih, bhh, P);
  copyRows(h, h0, b0, b1, H);
  copyRows(c, c0, b0, b1, H);
  zeroRows(y, b0, b1, T * H);
  zeroRows(gates, b0, b1, T * GH);
  for (let s = 0; s < T; s++) {
    const t = stepAt(s, T, reverse);
    gemmPacked(b1 - b0, GH, H, h + f32s(b0 * H), H, 1, packHh, P + f32s(b0 * T * GH + t * GH), T * GH, true); // P[b, t] += h_b · W_hhᵀ
    for (let b = b0; b < b1; b++) {
      const hb = f32s(b * H);
      const row = b * T + t;
      if (t >= lengthOf(lengths, b, T)) {
        if (cells) memory.copy(cells + f32s(row * H), c + hb, f32s(H)); // padded: state carried, y stays 0
        continue;
      }
      const p = P + f32s(row * GH);
      const out = f32s(row * H);
      const g = gates ? gates + f32s(row * GH) : 0;
      const ce = cells + out;
      let j = 0;
      for (; j + 4 <= H; j += 4) forwardUnits(j, true, H, variant, p, c + hb, h + hb, y + out, peep, g, ce);
      for (; j < H; j++) forwardUnits(j, false, H, variant, p, c + hb, h + hb, y + out, peep, g, ce);
    }
  }
}

/** dG for hidden units j .. j + 3 of one row at one step; updates dc, dh and the peephole sums. */
// @ts-ignore: decorator
@inline
function backwardUnits(
  j: i32, full: bool, H: i32, variant: i32,
  gate: usize, cT: usize, cPrevRow: usize, hPrevRow: usize, dy: usize,
  dh: usize, dc: usize, dG: usize, hPrev: usize, peep: usize, dPeep: usize, dhStep: usize, dcStep: usize,
): void {
  const at = f32s(j);
  const coupled = (variant & COUPLED) != 0;
  const peephole = (variant & PEEPHOLE) != 0;
  const hard = (variant & HARD) != 0;
  const oF = gateOffset(1, coupled, H);
  const oG = gateOffset(2, coupled, H);
  const oO = gateOffset(3, coupled, H);
  const one = splat(1);
  const c = ld(cT + at, full);
  const cPrev = ld(cPrevRow + at, full);
  st(hPrev + at, ld(hPrevRow + at, full), full);
  let dhT = ld(dh + at, full);
  if (dy) dhT = f32x4.add(dhT, ld(dy + at, full));
  const tc = vtanh(c);
  const f = ld(gate + oF + at, full);
  const g = ld(gate + oG + at, full);
  const o = ld(gate + oO + at, full);
  const dOpre = f32x4.mul(f32x4.mul(dhT, tc), vgateGrad(o, hard));
  let dcT = f32x4.add(ld(dc + at, full), f32x4.mul(f32x4.mul(dhT, o), f32x4.sub(one, f32x4.mul(tc, tc))));
  if (peephole) dcT = madd(dOpre, ld(peep + f32s(2 * H) + at, full), dcT);
  let dcPrev = f32x4.mul(dcT, f);
  const fGrad = vgateGrad(f, hard);
  const gGrad = f32x4.sub(one, f32x4.mul(g, g));
  if (coupled) {
    st(dG + at, f32x4.mul(f32x4.mul(dcT, f32x4.sub(cPrev, g)), fGrad), full);
    st(dG + oG + at, f32x4.mul(f32x4.mul(dcT, f32x4.sub(one, f)), gGrad), full);
  } else {
    const i = ld(gate + at, full);
    const dIpre = f32x4.mul(f32x4.mul(dcT, g), vgateGrad(i, hard));
    const dFpre = f32x4.mul(f32x4.mul(dcT, cPrev), fGrad);
    st(dG + at, dIpre, full);
    st(dG + oF + at, dFpre, full);
    st(dG + oG + at, f32x4.mul(f32x4.mul(dcT, i), gGrad), full);
    if (peephole) {
      dcPrev = madd(dIpre, ld(peep + at, full), dcPrev);
      dcPrev = madd(dFpre, ld(peep + f32s(H) + at, full), dcPrev);
      st(dPeep + at, madd(dIpre, cPrev, ld(dPeep + at, full)), full);
      st(dPeep + f32s(H) + at, madd(dFpre, cPrev, ld(dPeep + f32s(H) + at, full)), full);
      st(dPeep + f32s(2 * H) + at, madd(dOpre, c, ld(dPeep + f32s(2 * H) + at, full)), full);
    }
  }
  st(dG + oO + at, dOpre, full);
  st(dc + at, dcPrev, full);
  st(dh + at, splat(0), full); // replaced by dG_t · W_hh after the step
  if (dhStep) {
    st(dhStep + at, dhT, full);
    st(dcStep + at, dcT, full);
  }
}

/**
 * Backward through time. dh, dc [B, H] come in as dhIn, dcIn (0 = zeros) and leave as dh0, dc0.
 * W_ih and W_hh arrive packed in NN form; scratch dG [B·T·GH], hPrev [B·T·H]. Batch rows b0 .. b1
 * only (threads split the batch: rows are independent through time); dx for those rows too. The
 * weight gradients follow from dG and hPrev once every row is done (`weightGradients`).
 */
export function lstmBackward(
  B: i32, T: i32, I: i32, H: i32, variant: i32, reverse: bool, lengths: usize,
  x: usize, peep: usize, h0: usize, c0: usize, y: usize, gates: usize, cells: usize,
  dy: usize, dhIn: usize, dcIn: usize,
  dx: usize, dh: usize, dc: usize, dPeep: usize,
  dhSteps: usize, dcSteps: usize,
  dG: usize, hPrev: usize, packIhNN: usize, packHhNN: usize, b0: i32, b1: i32,
): void {
  const GH = ((variant & COUPLED) != 0 ? 3 : 4) * H;
  copyRows(dh, dhIn, b0, b1, H);
  copyRows(dc, dcIn, b0, b1, H);
  zeroRows(dG, b0, b1, T * GH);
  zeroRows(hPrev, b0, b1, T * H);
  if (b0 == 0) zeroRows(dPeep, 0, 1, 3 * H); // the peephole backward runs on one thread (its sums span rows)
  zeroRows(dhSteps, b0, b1, T * H);
  zeroRows(dcSteps, b0, b1, T * H);
  for (let s = T - 1; s >= 0; s--) {
    const t = stepAt(s, T, reverse);
    const tPrev = reverse ? t + 1 : t - 1;
    for (let b = b0; b < b1; b++) {
      const length = lengthOf(lengths, b, T);
      if (t >= length) continue; // padded: dG row stays 0, dh and dc pass through
      const first = isFirstStep(t, length, reverse);
      const hb = f32s(b * H);
      const row = b * T + t;
      const out = f32s(row * H);
      const g = gates + f32s(row * GH);
      const cPrevRow = previousRow(first, c0, cells, b, T, tPrev, H);
      const hPrevRow = previousRow(first, h0, y, b, T, tPrev, H);
      const dyRow = dy ? dy + out : 0;
      const dhs = dhSteps ? dhSteps + out : 0;
      const dcs = dcSteps ? dcSteps + out : 0;
      const dGRow = dG + f32s(row * GH);
      let j = 0;
      for (; j + 4 <= H; j += 4)
        backwardUnits(j, true, H, variant, g, cells + out, cPrevRow, hPrevRow, dyRow, dh + hb, dc + hb, dGRow, hPrev + out, peep, dPeep, dhs, dcs);
      for (; j < H; j++)
        backwardUnits(j, false, H, variant, g, cells + out, cPrevRow, hPrevRow, dyRow, dh + hb, dc + hb, dGRow, hPrev + out, peep, dPeep, dhs, dcs);
    }
    // dh_{t−1} += dG_t · W_hh; padded rows have dG = 0 and keep their dh.
    gemmPacked(b1 - b0, H, GH, dG + f32s(b0 * T * GH + t * GH), T * GH, 1, packHhNN, dh + f32s(b0 * H), H, true);
  }
  inputGradients(b0 * T, b1 * T, I, GH, dG, packIhNN, dx);
}
