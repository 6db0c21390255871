import { type LstmAttrs, type LstmForwardInputs, type LstmForwardOutputs, gateRecurrenceRows } from '@lstm/core';
import { gate } from './elementwise.js';
import { alloc } from './buffers.js';
import { gemmNT, matrix } from './gemm.js';
import { lstmLayout } from './lstm-layout.js';
import { data, dimsOf, info, lengthOf, projectInputs, stepAt } from './recurrent-common.js';

/**
 * Fused LSTM forward over a whole sequence (spec §2), learned gates packed i, f, g, o:
 *   i = σ(P_i + R_i [+ p_i ⊙ c_{t−1}])   f = σ(P_f + R_f [+ p_f ⊙ c_{t−1}])   g = tanh(P_g + R_g)
 *   c_t = f ⊙ c_{t−1} + i ⊙ g            o = σ(P_o + R_o [+ p_o ⊙ c_t])        h_t = o ⊙ tanh(c_t)
 * where P = x W_ihᵀ + b_ih + b_hh (one GEMM for all steps) and R = h_{t−1} W_hhᵀ (per step, added
 * into P's rows for step t in place).
 * The form (lstm-form.ts) changes it: a pinned gate is its constant (no rows), a complement gate
 * 1 − the other of i and f, an 'identity' activation drops that tanh; with gate recurrence (FGR)
 * i, f, o also read A_{t−1} R̃ᵀ, A = the previous step's [i, f, o] and R̃ the [3H, 3H] matrix widened
 * to the packed rows (a zero block for g), added into P like R. With gateActivation
 * 'hardSigmoid' every σ above is clip(0.2·x + 0.5, 0, 1).
 */
export function LstmForward(inputs: LstmForwardInputs, { reverse, lengths, record, form, gateActivation }: LstmAttrs): LstmForwardOutputs {
  const hard = gateActivation === 'hardSigmoid';
  const dims = dimsOf(inputs.x, inputs.weightHh);
  const { B, T, H, GH } = dims;
  const X = data(inputs.x),
    Whh = data(inputs.weightHh);
  const peep = form.peephole ? data(inputs.peephole!) : null;
  const P = projectInputs(X, data(inputs.weightIh), dims, data(inputs.biasIh), data(inputs.biasHh));
  const h = data(inputs.h0).slice();
  const c = data(inputs.c0).slice();
  const Y = alloc(X, B * T * H);
  const gates = record ? alloc(X, B * T * GH) : null;
  const cells = record ? alloc(X, B * T * H) : null;
  // Offsets of the gate blocks inside a packed row and in the peephole vector (−H: none).
  const { oI, oF, oG, oO, pI, pF, pO, iOwn, fOwn, oOwn, iMirror, fMirror, iPin, fPin, oPin, linearG, linearC } = lstmLayout(form, H);
  const R = form.gateRecurrence ? gateRecurrenceRows(data(inputs.gateRecurrence!), H) : null;
  const A = R ? alloc(X, B * 3 * H) : null; // i, f, o of each row's previous step

  for (let s = 0; s < T; s++) {
    const t = stepAt(s, T, reverse);
    gemmNT({ rows: B, cols: GH, depth: H, left: matrix(h, H), right: matrix(Whh, H), out: matrix(P, T * GH, t * GH), accumulate: true }); // P[b, t] += h_b · W_hhᵀ
    if (R)
      gemmNT({
        rows: B,
        cols: GH,
        depth: 3 * H,
        left: matrix(A!, 3 * H),
        right: matrix(R, 3 * H),
        out: matrix(P, T * GH, t * GH),
        accumulate: true,
      });
    for (let b = 0; b < B; b++) {
      const hb = b * H;
      const row = b * T + t;
      if (t >= lengthOf(lengths, b, T)) {
        if (cells) cells.set(c.subarray(hb, hb + H), row * H); // padded: state carried, y stays 0
        continue;
      }
      const p = row * GH,
        out = row * H;
      for (let j = 0; j < H; j++) {
        const cPrev = c[hb + j]!;
        let i = iPin;
        let f = fPin;
        if (iOwn) {
          let iPre = P[p + oI + j]!;
          if (pI >= 0) iPre += peep![pI + j]! * cPrev;
          i = gate(iPre, hard);
        }
        if (fOwn) {
          let fPre = P[p + oF + j]!;
          if (pF >= 0) fPre += peep![pF + j]! * cPrev;
          f = gate(fPre, hard);
        }
        if (iMirror) i = 1 - f;
        if (fMirror) f = 1 - i;
        const gPre = P[p + oG + j]!;
        const g = linearG ? gPre : Math.tanh(gPre);
        const cNew = f * cPrev + i * g;
        let o = oPin;
        if (oOwn) {
          let oPre = P[p + oO + j]!;
          if (pO >= 0) oPre += peep![pO + j]! * cNew;
          o = gate(oPre, hard);
        }
        const hNew = o * (linearC ? cNew : Math.tanh(cNew));
        c[hb + j] = cNew;
        h[hb + j] = hNew;
        if (A) {
          A[3 * hb + j] = i;
          A[3 * hb + H + j] = f;
          A[3 * hb + 2 * H + j] = o;
        }
        Y[out + j] = hNew;
        if (gates) {
          if (iOwn) gates[p + oI + j] = i;
          if (fOwn) gates[p + oF + j] = f;
          gates[p + oG + j] = g;
          if (oOwn) gates[p + oO + j] = o;
          cells![out + j] = cNew;
        }
      }
    }
  }
  const x = inputs.x;
  const result: LstmForwardOutputs = { y: info(Y, [B, T, H], x), h: info(h, [B, H], x), c: info(c, [B, H], x) };
  if (gates) {
    result.gates = info(gates, [B, T, GH], x);
    result.cells = info(cells!, [B, T, H], x);
  }
  return result;
}
