import type { GruAttrs, GruForwardInputs, GruForwardOutputs } from '@lstm/core';
import { gate } from './elementwise.js';
import { alloc } from './buffers.js';
import { gemmNT, matrix } from './gemm.js';
import { data, dimsOf, info, lengthOf, projectInputs, stepAt } from './recurrent-common.js';

/**
 * Fused GRU forward (PyTorch's formulation), gates packed r, z, n:
 *   r = σ(P_r + R_r + b_hr)    z = σ(P_z + R_z + b_hz)    hn = R_n + b_hn
 *   n = tanh(P_n + r ⊙ hn)     h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
 * with P = x W_ihᵀ + b_ih for all steps and R = h_{t−1} W_hhᵀ per step. b_hh stays separate
 * because r multiplies only the recurrent part of n.
 */
export function GruForward(inputs: GruForwardInputs, { reverse, lengths, record, gateActivation }: GruAttrs): GruForwardOutputs {
  const hard = gateActivation === 'hardSigmoid';
  const dims = dimsOf(inputs.x, inputs.weightHh);
  const { B, T, H, GH } = dims;
  const X = data(inputs.x),
    Whh = data(inputs.weightHh),
    bhh = data(inputs.biasHh);
  const P = projectInputs(X, data(inputs.weightIh), dims, data(inputs.biasIh), null);
  const h = data(inputs.h0).slice();
  const R = alloc(X, B * GH);
  const Y = alloc(X, B * T * H);
  const gates = record ? alloc(X, B * T * GH) : null;
  const hnAll = record ? alloc(X, B * T * H) : null;

  for (let s = 0; s < T; s++) {
    const t = stepAt(s, T, reverse);
    gemmNT({ rows: B, cols: GH, depth: H, left: matrix(h, H), right: matrix(Whh, H), out: matrix(R, GH) });
    for (let b = 0; b < B; b++) {
      if (t >= lengthOf(lengths, b, T)) continue;
      const hb = b * H,
        row = b * T + t,
        p = row * GH,
        r = b * GH,
        out = row * H;
      for (let j = 0; j < H; j++) {
        const rGate = gate(P[p + j]! + R[r + j]! + bhh[j]!, hard);
        const z = gate(P[p + H + j]! + R[r + H + j]! + bhh[H + j]!, hard);
        const hn = R[r + 2 * H + j]! + bhh[2 * H + j]!;
        const n = Math.tanh(P[p + 2 * H + j]! + rGate * hn);
        const hNew = (1 - z) * n + z * h[hb + j]!;
        h[hb + j] = hNew;
        Y[out + j] = hNew;
        if (gates) {
          gates[p + j] = rGate;
          gates[p + H + j] = z;
          gates[p + 2 * H + j] = n;
          hnAll![out + j] = hn;
        }
      }
    }
  }
  const x = inputs.x;
  const result: GruForwardOutputs = { y: info(Y, [B, T, H], x), h: info(h, [B, H], x) };
  if (gates) {
    result.gates = info(gates, [B, T, GH], x);
    result.hn = info(hnAll!, [B, T, H], x);
  }
  return result;
}
