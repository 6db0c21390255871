// Fused LSTM forward and backward over a whole sequence (spec §2): one call per layer and
// direction. Learned gates are packed i, f, g, o; peephole weights are one vector, an [H] block per
// learned gate of i, f, o; gates squash with σ or (HARD) hardSigmoid. The form bits say which gates
// are learned, pinned (to pinI, pinF, pinO: f32 bits, since threads pass i32s) or complements, which tanh are dropped,
// and whether the gates recur (core's lstm-form.ts). The formulas are backend-cpu's, four hidden units per instruction.

import { gemmPacked } from './gemm';
import { ld, madd, splat, st, vgate, vgateGrad, vtanh } from './simd';
import { copyRows, f32s, inputGradients, isFirstStep, lengthOf, previousRow, projectInputs, stepAt, zeroRows } from './sequence';

// Form bits (src/kernels/lstm.ts sets them).
const PEEPHOLE = 1;
const I_COMPLEMENT = 2; // i = 1 − f (the coupled cell)
const HARD = 4;
const F_COMPLEMENT = 8; // f = 1 − i (CIFG)
const I_PINNED = 16;
const F_PINNED = 32;
const O_PINNED = 64;
const LINEAR_G = 128; // g = the pre-activation (NIAF)
const LINEAR_C = 256; // h = o ⊙ c (NOAF)
const GATE_RECURRENCE = 512; // i, f, o also read A_{t−1} R̃ᵀ (FGR; i, f, o all learned, so GH = 4H)

// @ts-ignore: decorator
@inline
function hasI(form: i32): bool {
  return (form & (I_COMPLEMENT | I_PINNED)) == 0;
}
// @ts-ignore: decorator
@inline
function hasF(form: i32): bool {
  return (form & (F_COMPLEMENT | F_PINNED)) == 0;
}
// @ts-ignore: decorator
@inline
function hasO(form: i32): bool {
  return (form & O_PINNED) == 0;
}

/** Packed gate blocks: the learned ones of i, f, o, and g. */
// @ts-ignore: decorator
@inline
function gateRows(form: i32): i32 {
  return i32(hasI(form)) + i32(hasF(form)) + 1 + i32(hasO(form));
}

/** Byte offset of gate block k (i = 0, f, g, o) in a packed row: the learned gates before it. */
// @ts-ignore: decorator
@inline
function gateOffset(k: i32, form: i32, H: i32): usize {
  let n = 0;
  if (k > 0 && hasI(form)) n++;
  if (k > 1 && hasF(form)) n++;
  if (k > 2) n++;
  return f32s(n * H);
}

/** Byte offset of p_i (k = 0), p_f (1) or p_o (3) in the peephole vector: the learned gates of i, f before it. */
// @ts-ignore: decorator
@inline
function peepOffset(k: i32, form: i32, H: i32): usize {
  let n = 0;
  if (k > 0 && hasI(form)) n++;
  if (k > 1 && hasF(form)) n++;
  return f32s(n * H);
}

/** h_t, c_t for hidden units j .. j + 3 (or j alone when !full) of one batch row. */
// @ts-ignore: decorator
@inline
function forwardUnits(
  j: i32, full: bool, H: i32, form: i32, pinI: f32, pinF: f32, pinO: f32,
  p: usize, c: usize, h: usize, y: usize, peep: usize, gates: usize, cells: usize, a: usize,
): void {
  const at = f32s(j);
  const peephole = (form & PEEPHOLE) != 0;
  const hard = (form & HARD) != 0;
  const oI = gateOffset(0, form, H);
  const oF = gateOffset(1, form, H);
  const oG = gateOffset(2, form, H);
  const oO = gateOffset(3, form, H);
  const cPrev = ld(c + at, full);
  let i = splat(pinI);
  let f = splat(pinF);
  if (hasI(form)) {
    let iPre = ld(p + oI + at, full);
    if (peephole) iPre = madd(ld(peep + peepOffset(0, form, H) + at, full), cPrev, iPre);
    i = vgate(iPre, hard);
  }
  if (hasF(form)) {
    let fPre = ld(p + oF + at, full);
    if (peephole) fPre = madd(ld(peep + peepOffset(1, form, H) + at, full), cPrev, fPre);
    f = vgate(fPre, hard);
  }
  if ((form & I_COMPLEMENT) != 0) i = f32x4.sub(splat(1), f);
  if ((form & F_COMPLEMENT) != 0) f = f32x4.sub(splat(1), i);
  let g = ld(p + oG + at, full);
  if ((form & LINEAR_G) == 0) g = vtanh(g);
  const cNew = f32x4.add(f32x4.mul(f, cPrev), f32x4.mul(i, g));
  let o = splat(pinO);
  if (hasO(form)) {
    let oPre = ld(p + oO + at, full);
    if (peephole) oPre = madd(ld(peep + peepOffset(3, form, H) + at, full), cNew, oPre);
    o = vgate(oPre, hard);
  }
  const hNew = f32x4.mul(o, (form & LINEAR_C) != 0 ? cNew : vtanh(cNew));
  st(c + at, cNew, full);
  st(h + at, hNew, full);
  st(y + at, hNew, full);
  if (a) {
    st(a + at, i, full);
    st(a + f32s(H) + at, f, full);
    st(a + f32s(2 * H) + at, o, full);
  }
  if (gates) {
    if (hasI(form)) st(gates + oI + at, i, full);
    if (hasF(form)) st(gates + oF + at, f, full);
    st(gates + oG + at, g, full);
    if (hasO(form)) st(gates + oO + at, o, full);
    st(cells + at, cNew, full);
  }
}

/**
 * y[B, T, H], h and c [B, H] (initialised from h0, c0 here), and with `record` gates [B, T, GH]
 * and cells [B, T, H]. W_ih and W_hh arrive packed in NT form (packB); scratch P [B·T·GH]. Batch rows
 * b0 .. b1 only: rows are independent through time, so threads split the batch with no barrier.
 * With GATE_RECURRENCE, packR is R̃ [GH, 3H] packed NT and A [B, 3H] scratch for each row's last i, f, o.
 */
export function lstmForward(
  B: i32, T: i32, I: i32, H: i32, form: i32, pinIBits: i32, pinFBits: i32, pinOBits: i32, reverse: bool, lengths: usize,
  x: usize, bih: usize, bhh: usize, peep: usize, h0: usize, c0: usize,
  y: usize, h: usize, c: usize, gates: usize, cells: usize,
  P: usize, packIh: usize, packHh: usize, packR: usize, A: usize, b0: i32, b1: i32,
): void {
  const GH = gateRows(form) * H;
  const pinI = reinterpret<f32>(pinIBits), pinF = reinterpret<f32>(pinFBits), pinO = reinterpret<f32>(pinOBits);
  const recur = (form & GATE_RECURRENCE) != 0;
  projectInputs(b0 * T, b1 * T, I, GH, x, packIh, bih, bhh, P);
  if (recur) zeroRows(A, b0, b1, 3 * H);
  copyRows(h, h0, b0, b1, H);
  copyRows(c, c0, b0, b1, H);
  zeroRows(y, b0, b1, T * H);
  zeroRows(gates, b0, b1, T * GH);
  for (let s = 0; s < T; s++) {
    const t = stepAt(s, T, reverse);
    gemmPacked(b1 - b0, GH, H, h + f32s(b0 * H), H, 1, packHh, P + f32s(b0 * T * GH + t * GH), T * GH, true); // P[b, t] += h_b · W_hhᵀ
    if (recur) gemmPacked(b1 - b0, GH, 3 * H, A + f32s(b0 * 3 * H), 3 * H, 1, packR, P + f32s(b0 * T * GH + t * GH), T * GH, true); // += A_b · R̃ᵀ
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
      const a = recur ? A + f32s(b * 3 * H) : 0;
      let j = 0;
      for (; j + 4 <= H; j += 4) forwardUnits(j, true, H, form, pinI, pinF, pinO, p, c + hb, h + hb, y + out, peep, g, ce, a);
      for (; j < H; j++) forwardUnits(j, false, H, form, pinI, pinF, pinO, p, c + hb, h + hb, y + out, peep, g, ce, a);
    }
  }
}

/** dG for hidden units j .. j + 3 of one row at one step; updates dc, dh and the peephole sums. */
// @ts-ignore: decorator
@inline
function backwardUnits(
  j: i32, full: bool, H: i32, form: i32, pinI: f32, pinF: f32, pinO: f32,
  gate: usize, cT: usize, cPrevRow: usize, hPrevRow: usize, dy: usize,
  dh: usize, dc: usize, dG: usize, hPrev: usize, peep: usize, dPeep: usize, dhStep: usize, dcStep: usize,
  dA: usize, gatePrev: usize, aPrev: usize,
): void {
  const at = f32s(j);
  const peephole = (form & PEEPHOLE) != 0;
  const hard = (form & HARD) != 0;
  const oI = gateOffset(0, form, H);
  const oF = gateOffset(1, form, H);
  const oG = gateOffset(2, form, H);
  const oO = gateOffset(3, form, H);
  const pI = peepOffset(0, form, H);
  const pF = peepOffset(1, form, H);
  const pO = peepOffset(3, form, H);
  const one = splat(1);
  const c = ld(cT + at, full);
  const cPrev = ld(cPrevRow + at, full);
  st(hPrev + at, ld(hPrevRow + at, full), full);
  let dhT = ld(dh + at, full);
  if (dy) dhT = f32x4.add(dhT, ld(dy + at, full));
  const linearC = (form & LINEAR_C) != 0;
  const tc = linearC ? c : vtanh(c);
  let i = hasI(form) ? ld(gate + oI + at, full) : splat(pinI);
  let f = hasF(form) ? ld(gate + oF + at, full) : splat(pinF);
  if ((form & I_COMPLEMENT) != 0) i = f32x4.sub(one, f);
  if ((form & F_COMPLEMENT) != 0) f = f32x4.sub(one, i);
  const g = ld(gate + oG + at, full);
  const o = hasO(form) ? ld(gate + oO + at, full) : splat(pinO);
  // With gate recurrence: ∂L/∂(i, f, o) from the next step's pre-activations, and A_{t−1} kept for ∂L/∂R̃.
  let dIv = splat(0), dFv = splat(0), dOv = splat(0);
  if (dA) {
    dIv = ld(dA + at, full);
    dFv = ld(dA + f32s(H) + at, full);
    dOv = ld(dA + f32s(2 * H) + at, full);
    st(dA + at, splat(0), full); // replaced by dG_t · R̃ after the step
    st(dA + f32s(H) + at, splat(0), full);
    st(dA + f32s(2 * H) + at, splat(0), full);
    if (gatePrev) {
      st(aPrev + at, ld(gatePrev + oI + at, full), full);
      st(aPrev + f32s(H) + at, ld(gatePrev + oF + at, full), full);
      st(aPrev + f32s(2 * H) + at, ld(gatePrev + oO + at, full), full);
    }
  }
  const dOpre = hasO(form) ? f32x4.mul(f32x4.add(f32x4.mul(dhT, tc), dOv), vgateGrad(o, hard)) : splat(0);
  let dcT = f32x4.add(ld(dc + at, full), f32x4.mul(f32x4.mul(dhT, o), linearC ? one : f32x4.sub(one, f32x4.mul(tc, tc))));
  if (peephole && hasO(form)) dcT = madd(dOpre, ld(peep + pO + at, full), dcT);
  let dcPrev = f32x4.mul(dcT, f);
  if (hasI(form)) {
    const di = (form & F_COMPLEMENT) != 0 ? f32x4.mul(dcT, f32x4.sub(g, cPrev)) : f32x4.mul(dcT, g);
    const dIpre = f32x4.mul(f32x4.add(di, dIv), vgateGrad(i, hard));
    st(dG + oI + at, dIpre, full);
    if (peephole) {
      dcPrev = madd(dIpre, ld(peep + pI + at, full), dcPrev);
      st(dPeep + pI + at, madd(dIpre, cPrev, ld(dPeep + pI + at, full)), full);
    }
  }
  if (hasF(form)) {
    const df = (form & I_COMPLEMENT) != 0 ? f32x4.mul(dcT, f32x4.sub(cPrev, g)) : f32x4.mul(dcT, cPrev);
    const dFpre = f32x4.mul(f32x4.add(df, dFv), vgateGrad(f, hard));
    st(dG + oF + at, dFpre, full);
    if (peephole) {
      dcPrev = madd(dFpre, ld(peep + pF + at, full), dcPrev);
      st(dPeep + pF + at, madd(dFpre, cPrev, ld(dPeep + pF + at, full)), full);
    }
  }
  const gGrad = (form & LINEAR_G) != 0 ? one : f32x4.sub(one, f32x4.mul(g, g));
  st(dG + oG + at, f32x4.mul(f32x4.mul(dcT, i), gGrad), full);
  if (hasO(form)) {
    st(dG + oO + at, dOpre, full);
    if (peephole) st(dPeep + pO + at, madd(dOpre, c, ld(dPeep + pO + at, full)), full);
  }
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
 * weight gradients follow from dG and hPrev once every row is done (`weightGradients`). With
 * GATE_RECURRENCE, packRNN is R̃ [GH, 3H] packed NN, dA [B, 3H] scratch for ∂L/∂(i, f, o) and aPrev
 * [B·T·3H] each step's A_{t−1}, for ∂L/∂R̃ = Σ dGᵀ A_{t−1} after the call.
 */
export function lstmBackward(
  B: i32, T: i32, I: i32, H: i32, form: i32, pinIBits: i32, pinFBits: i32, pinOBits: i32, reverse: bool, lengths: usize,
  x: usize, peep: usize, h0: usize, c0: usize, y: usize, gates: usize, cells: usize,
  dy: usize, dhIn: usize, dcIn: usize,
  dx: usize, dh: usize, dc: usize, dPeep: usize,
  dhSteps: usize, dcSteps: usize,
  dG: usize, hPrev: usize, packIhNN: usize, packHhNN: usize, packRNN: usize, dA: usize, aPrev: usize, b0: i32, b1: i32,
): void {
  const GH = gateRows(form) * H;
  const recur = (form & GATE_RECURRENCE) != 0;
  if (recur) {
    zeroRows(dA, b0, b1, 3 * H);
    zeroRows(aPrev, b0, b1, T * 3 * H);
  }
  const pinI = reinterpret<f32>(pinIBits), pinF = reinterpret<f32>(pinFBits), pinO = reinterpret<f32>(pinOBits);
  const peepRows = (form & PEEPHOLE) != 0 ? gateRows(form) - 1 : 0;
  copyRows(dh, dhIn, b0, b1, H);
  copyRows(dc, dcIn, b0, b1, H);
  zeroRows(dG, b0, b1, T * GH);
  zeroRows(hPrev, b0, b1, T * H);
  if (b0 == 0) zeroRows(dPeep, 0, 1, peepRows * H); // the peephole backward runs on one thread (its sums span rows)
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
      const dAr = recur ? dA + f32s(b * 3 * H) : 0;
      const gatePrev = recur && !first ? gates + f32s((b * T + tPrev) * GH) : 0;
      const aPrevRow = aPrev + f32s(row * 3 * H);
      let j = 0;
      for (; j + 4 <= H; j += 4)
        backwardUnits(j, true, H, form, pinI, pinF, pinO, g, cells + out, cPrevRow, hPrevRow, dyRow, dh + hb, dc + hb, dGRow, hPrev + out, peep, dPeep, dhs, dcs, dAr, gatePrev, aPrevRow);
      for (; j < H; j++)
        backwardUnits(j, false, H, form, pinI, pinF, pinO, g, cells + out, cPrevRow, hPrevRow, dyRow, dh + hb, dc + hb, dGRow, hPrev + out, peep, dPeep, dhs, dcs, dAr, gatePrev, aPrevRow);
    }
    // dh_{t−1} += dG_t · W_hh (and dA_{t−1} += dG_t · R̃); padded rows have dG = 0 and keep theirs.
    gemmPacked(b1 - b0, H, GH, dG + f32s(b0 * T * GH + t * GH), T * GH, 1, packHhNN, dh + f32s(b0 * H), H, true);
    if (recur) gemmPacked(b1 - b0, 3 * H, GH, dG + f32s(b0 * T * GH + t * GH), T * GH, 1, packRNN, dA + f32s(b0 * 3 * H), 3 * H, true);
  }
  inputGradients(b0 * T, b1 * T, I, GH, dG, packIhNN, dx);
}
