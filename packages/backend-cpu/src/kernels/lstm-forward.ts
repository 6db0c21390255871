import type { LstmAttrs, LstmForwardInputs, LstmForwardOutputs } from '@lstm/core';
import { gate } from './elementwise.js';
import { alloc } from './buffers.js';
import { gemmNT, matrix } from './gemm.js';
import { data, dimsOf, info, lengthOf, projectInputs, stepAt } from './recurrent-common.js';

/**
 * Fused LSTM forward over a whole sequence (spec §2), gates packed i, f, g, o:
 *   i = σ(P_i + R_i [+ p_i ⊙ c_{t−1}])   f = σ(P_f + R_f [+ p_f ⊙ c_{t−1}])   g = tanh(P_g + R_g)
 *   c_t = f ⊙ c_{t−1} + i ⊙ g            o = σ(P_o + R_o [+ p_o ⊙ c_t])        h_t = o ⊙ tanh(c_t)
 * where P = x W_ihᵀ + b_ih + b_hh (one GEMM for all steps) and R = h_{t−1} W_hhᵀ (per step, added
 * into P's rows for step t in place).
 * Coupled variant: gates packed f, g, o and i = 1 − f. With gateActivation 'hardSigmoid' every σ
 * above is clip(0.2·x + 0.5, 0, 1).
 */
export function LstmForward(
  inputs: LstmForwardInputs,
  { reverse, lengths, record, variant, gateActivation }: LstmAttrs,
): LstmForwardOutputs {
  const hard = gateActivation === 'hardSigmoid';
  const dims = dimsOf(inputs.x, inputs.weightHh);
  const { B, T, H, GH } = dims;
  const X = data(inputs.x),
    Whh = data(inputs.weightHh);
  const peep = variant === 'peephole' ? data(inputs.peephole!) : null;
  const coupled = variant === 'coupled';
  const P = projectInputs(X, data(inputs.weightIh), dims, data(inputs.biasIh), data(inputs.biasHh));
  const h = data(inputs.h0).slice();
  const c = data(inputs.c0).slice();
  const Y = alloc(X, B * T * H);
  const gates = record ? alloc(X, B * T * GH) : null;
  const cells = record ? alloc(X, B * T * H) : null;
  // Offsets of the gate blocks inside a packed row.
  const oF = coupled ? 0 : H,
    oG = coupled ? H : 2 * H,
    oO = coupled ? 2 * H : 3 * H;

  for (let s = 0; s < T; s++) {
    const t = stepAt(s, T, reverse);
    gemmNT({ rows: B, cols: GH, depth: H, left: matrix(h, H), right: matrix(Whh, H), out: matrix(P, T * GH, t * GH), accumulate: true }); // P[b, t] += h_b · W_hhᵀ
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
        let fPre = P[p + oF + j]!;
        let i: number;
        if (coupled) {
          i = 0;
        } else {
          let iPre = P[p + j]!;
          if (peep) {
            iPre += peep[j]! * cPrev;
            fPre += peep[H + j]! * cPrev;
          }
          i = gate(iPre, hard);
        }
        const f = gate(fPre, hard);
        if (coupled) i = 1 - f;
        const g = Math.tanh(P[p + oG + j]!);
        const cNew = f * cPrev + i * g;
        let oPre = P[p + oO + j]!;
        if (peep) oPre += peep[2 * H + j]! * cNew;
        const o = gate(oPre, hard);
        const hNew = o * Math.tanh(cNew);
        c[hb + j] = cNew;
        h[hb + j] = hNew;
        Y[out + j] = hNew;
        if (gates) {
          if (!coupled) gates[p + j] = i;
          gates[p + oF + j] = f;
          gates[p + oG + j] = g;
          gates[p + oO + j] = o;
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
