import type { RnnAttrs, RnnForwardInputs, RnnForwardOutputs } from '@lstm/core';
import { alloc } from './buffers.js';
import { gemmNT, matrix } from './gemm.js';
import { data, dimsOf, info, lengthOf, projectInputs, stepAt } from './recurrent-common.js';

/** Fused vanilla RNN forward: h_t = act(P_t + h_{t−1} W_hhᵀ), P = x W_ihᵀ + b_ih + b_hh; act = tanh | relu. */
export function RnnForward(inputs: RnnForwardInputs, { reverse, lengths, nonlinearity }: RnnAttrs): RnnForwardOutputs {
  const dims = dimsOf(inputs.x, inputs.weightHh);
  const { B, T, H } = dims;
  const X = data(inputs.x),
    Whh = data(inputs.weightHh);
  const P = projectInputs(X, data(inputs.weightIh), dims, data(inputs.biasIh), data(inputs.biasHh));
  const relu = nonlinearity === 'relu';
  const h = data(inputs.h0).slice();
  const Y = alloc(X, B * T * H);
  for (let s = 0; s < T; s++) {
    const t = stepAt(s, T, reverse);
    gemmNT({ rows: B, cols: H, depth: H, left: matrix(h, H), right: matrix(Whh, H), out: matrix(P, T * H, t * H), accumulate: true }); // P[b, t] += h_b · W_hhᵀ
    for (let b = 0; b < B; b++) {
      if (t >= lengthOf(lengths, b, T)) continue;
      const hb = b * H,
        out = (b * T + t) * H;
      for (let j = 0; j < H; j++) {
        const pre = P[out + j]!;
        const hNew = relu ? Math.max(pre, 0) : Math.tanh(pre); // Math.max keeps NaN, as PyTorch's relu does
        h[hb + j] = hNew;
        Y[out + j] = hNew;
      }
    }
  }
  const x = inputs.x;
  return { y: info(Y, [B, T, H], x), h: info(h, [B, H], x) };
}
