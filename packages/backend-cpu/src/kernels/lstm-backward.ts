import { type LstmAttrs, type LstmBackwardInputs, type LstmBackwardOutputs, gateRecurrenceRows } from '@lstm/core';
import { alloc } from './buffers.js';
import { gateGrad } from './elementwise.js';
import { gemmNT, matrix } from './gemm.js';
import { lstmLayout } from './lstm-layout.js';
import { copyOrZeros, data, dimsOf, info, isFirstStep, lengthOf, sequenceWeightGradients, stepAt, transposed } from './recurrent-common.js';

/**
 * Fused LSTM backward through time. Per step, with dh and dc arriving from later steps:
 *   dh_t = dh + dy_t                              do' = dh_t ⊙ tanh(c_t) ⊙ o(1 − o)
 *   dc_t = dc + dh_t ⊙ o ⊙ (1 − tanh²c_t) [+ do' ⊙ p_o]
 *   di' = dc_t ⊙ g ⊙ i(1 − i)    df' = dc_t ⊙ c_{t−1} ⊙ f(1 − f)    dg' = dc_t ⊙ i ⊙ (1 − g²)
 *   dc_{t−1} = dc_t ⊙ f [+ di' ⊙ p_i + df' ⊙ p_f]         (the constant error carousel)
 *   dh_{t−1} = dG_t · W_hh                                 (one small GEMM per step)
 * A complement gate hands its share to the gate it mirrors — i = 1 − f: df' = dc_t ⊙ (c_{t−1} − g)
 * ⊙ f(1 − f); f = 1 − i: di' = dc_t ⊙ (g − c_{t−1}) ⊙ i(1 − i) — a pinned gate has no dG rows, and
 * an 'identity' activation has derivative 1. With gate recurrence (FGR) the values of i, f, o
 * also receive dA_t = dG_{t+1} R̃ (one more small GEMM per step), and ∂L/∂R̃ = Σ dG_tᵀ A_{t−1}.
 * dG (pre-activation gradients) is kept for all steps so the weight gradients are two GEMMs.
 */
export function LstmBackward(
  inputs: LstmBackwardInputs,
  { reverse, lengths, record, form, gateActivation }: LstmAttrs,
): LstmBackwardOutputs {
  const hard = gateActivation === 'hardSigmoid';
  const dims = dimsOf(inputs.x, inputs.weightHh);
  const { B, T, H, GH } = dims;
  const X = data(inputs.x),
    Y = data(inputs.y),
    gates = data(inputs.gates),
    cells = data(inputs.cells);
  const H0 = data(inputs.h0),
    C0 = data(inputs.c0);
  const dY = inputs.dy ? data(inputs.dy) : null;
  const peep = form.peephole ? data(inputs.peephole!) : null;
  const dh = copyOrZeros(X, inputs.dh, B * H);
  const dc = copyOrZeros(X, inputs.dc, B * H);
  const dG = alloc(X, B * T * GH);
  const Hprev = alloc(X, B * T * H);
  const WhhT = transposed(data(inputs.weightHh), GH, H);
  const dPeep = peep ? alloc(X, peep.length) : null;
  const dhSteps = record ? alloc(X, B * T * H) : null;
  const dcSteps = record ? alloc(X, B * T * H) : null;
  const { oI, oF, oG, oO, pI, pF, pO, iOwn, fOwn, oOwn, iMirror, fMirror, iPin, fPin, oPin, linearG, linearC } = lstmLayout(form, H);
  const R = form.gateRecurrence ? gateRecurrenceRows(data(inputs.gateRecurrence!), H) : null;
  const RT = R ? transposed(R, GH, 3 * H) : null;
  const dA = R ? alloc(X, B * 3 * H) : null; // ∂L/∂(i, f, o) from the next step's pre-activations
  const Aprev = R ? alloc(X, B * T * 3 * H) : null; // i, f, o of the step before, per (row, step)

  for (let s = T - 1; s >= 0; s--) {
    const t = stepAt(s, T, reverse);
    const tPrev = reverse ? t + 1 : t - 1;
    for (let b = 0; b < B; b++) {
      const length = lengthOf(lengths, b, T);
      if (t >= length) continue; // padded: dG row stays 0, dh and dc pass through
      const first = isFirstStep(t, length, reverse);
      const hb = b * H,
        row = b * T + t,
        p = row * GH,
        out = row * H;
      const prev = (b * T + tPrev) * H;
      for (let j = 0; j < H; j++) {
        const cT = cells[out + j]!;
        const cPrev = first ? C0[hb + j]! : cells[prev + j]!;
        Hprev[out + j] = first ? H0[hb + j]! : Y[prev + j]!;
        const dhT = dh[hb + j]! + (dY ? dY[out + j]! : 0);
        const tc = linearC ? cT : Math.tanh(cT);
        let i = iOwn ? gates[p + oI + j]! : iPin;
        let f = fOwn ? gates[p + oF + j]! : fPin;
        if (iMirror) i = 1 - f;
        if (fMirror) f = 1 - i;
        const g = gates[p + oG + j]!,
          o = oOwn ? gates[p + oO + j]! : oPin;
        let dIv = 0,
          dFv = 0,
          dOv = 0;
        if (dA) {
          const a = 3 * hb + j;
          dIv = dA[a]!;
          dFv = dA[a + H]!;
          dOv = dA[a + 2 * H]!;
          dA[a] = dA[a + H] = dA[a + 2 * H] = 0; // replaced below by dG_t · R̃
          if (!first) {
            const r = 3 * out + j;
            const before = (b * T + tPrev) * GH + j;
            Aprev![r] = gates[before + oI]!;
            Aprev![r + H] = gates[before + oF]!;
            Aprev![r + 2 * H] = gates[before + oO]!;
          }
        }
        const dOpre = oOwn ? (dhT * tc + dOv) * gateGrad(o, hard) : 0;
        let dcT = dc[hb + j]! + dhT * o * (linearC ? 1 : 1 - tc * tc);
        if (pO >= 0) dcT += dOpre * peep![pO + j]!;
        let dcPrev = dcT * f;
        if (iOwn) {
          const dIpre = ((fMirror ? dcT * (g - cPrev) : dcT * g) + dIv) * gateGrad(i, hard);
          dG[p + oI + j] = dIpre;
          if (pI >= 0) {
            dcPrev += dIpre * peep![pI + j]!;
            dPeep![pI + j]! += dIpre * cPrev;
          }
        }
        if (fOwn) {
          const dFpre = ((iMirror ? dcT * (cPrev - g) : dcT * cPrev) + dFv) * gateGrad(f, hard);
          dG[p + oF + j] = dFpre;
          if (pF >= 0) {
            dcPrev += dFpre * peep![pF + j]!;
            dPeep![pF + j]! += dFpre * cPrev;
          }
        }
        dG[p + oG + j] = dcT * i * (linearG ? 1 : 1 - g * g);
        if (oOwn) {
          dG[p + oO + j] = dOpre;
          if (pO >= 0) dPeep![pO + j]! += dOpre * cT;
        }
        dc[hb + j] = dcPrev;
        dh[hb + j] = 0; // replaced below by dG_t · W_hh
        if (dhSteps) {
          dhSteps[out + j] = dhT;
          dcSteps![out + j] = dcT;
        }
      }
    }
    // dh_{t−1} = dG_t · W_hh for valid rows; padded rows have dG = 0 and keep their dh.
    gemmNT({
      rows: B,
      cols: H,
      depth: GH,
      left: matrix(dG, T * GH, t * GH),
      right: matrix(WhhT, GH),
      out: matrix(dh, H),
      accumulate: true,
    });
    if (RT)
      gemmNT({
        rows: B,
        cols: 3 * H,
        depth: GH,
        left: matrix(dG, T * GH, t * GH),
        right: matrix(RT, GH),
        out: matrix(dA!, 3 * H),
        accumulate: true,
      });
  }
  const grads = sequenceWeightGradients(dG, dG, X, Hprev, data(inputs.weightIh), dims);
  const x = inputs.x;
  const result: LstmBackwardOutputs = {
    dx: info(grads.dX, [B, T, dims.I], x),
    dh0: info(dh, [B, H], x),
    dc0: info(dc, [B, H], x),
    dWeightIh: info(grads.dWih, [GH, dims.I], x),
    dWeightHh: info(grads.dWhh, [GH, H], x),
    dBiasIh: info(grads.dBih, [GH], x),
    dBiasHh: info(grads.dBhh, [GH], x),
  };
  if (dPeep) result.dPeephole = info(dPeep, [dPeep.length], x);
  if (R) result.dGateRecurrence = info(gateRecurrenceGradient(dG, Aprev!, dims), [3 * H, 3 * H], x);
  if (dhSteps) {
    result.dhSteps = info(dhSteps, [B, T, H], x);
    result.dcSteps = info(dcSteps!, [B, T, H], x);
  }
  return result;
}

/** ∂L/∂R = the i, f, o rows of Σ_(b,t) dG_(b,t)ᵀ A_(b,t−1). */
function gateRecurrenceGradient(
  dG: Float32Array | Float64Array,
  Aprev: Float32Array | Float64Array,
  { B, T, H, GH }: { B: number; T: number; H: number; GH: number },
) {
  const rows = B * T;
  const wide = alloc(dG, GH * 3 * H);
  gemmNT({
    rows: GH,
    cols: 3 * H,
    depth: rows,
    left: matrix(transposed(dG, rows, GH), rows),
    right: matrix(transposed(Aprev, rows, 3 * H), rows),
    out: matrix(wide, 3 * H),
  });
  const dR = alloc(dG, 9 * H * H);
  dR.set(wide.subarray(0, 6 * H * H), 0);
  dR.set(wide.subarray(9 * H * H), 6 * H * H);
  return dR;
}
