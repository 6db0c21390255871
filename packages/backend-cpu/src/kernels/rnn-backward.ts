import type { RnnAttrs, RnnBackwardInputs, RnnBackwardOutputs } from '@lstm/core';
import { alloc } from './buffers.js';
import { gemmNT, matrix } from './gemm.js';
import { copyOrZeros, data, dimsOf, info, isFirstStep, lengthOf, sequenceWeightGradients, stepAt, transposed } from './recurrent-common.js';

/**
 * Fused vanilla RNN backward: dpre_t = (dh + dy_t) ⊙ act'(h_t), dh_{t−1} = dpre_t · W_hh.
 * tanh' = 1 − h², relu' = [h > 0]. Over k steps the gradient is multiplied by W_hh and act'
 * k times: this is where it vanishes (spec §4.2).
 */
export function RnnBackward(inputs: RnnBackwardInputs, { reverse, lengths, record, nonlinearity }: RnnAttrs): RnnBackwardOutputs {
  const dims = dimsOf(inputs.x, inputs.weightHh);
  const { B, T, H } = dims;
  const X = data(inputs.x),
    Y = data(inputs.y),
    H0 = data(inputs.h0);
  const dY = inputs.dy ? data(inputs.dy) : null;
  const relu = nonlinearity === 'relu';
  const dh = copyOrZeros(X, inputs.dh, B * H);
  const dG = alloc(X, B * T * H);
  const Hprev = alloc(X, B * T * H);
  const WhhT = transposed(data(inputs.weightHh), H, H);
  const dhSteps = record ? alloc(X, B * T * H) : null;
  for (let s = T - 1; s >= 0; s--) {
    const t = stepAt(s, T, reverse);
    const tPrev = reverse ? t + 1 : t - 1;
    for (let b = 0; b < B; b++) {
      const length = lengthOf(lengths, b, T);
      if (t >= length) continue;
      const first = isFirstStep(t, length, reverse);
      const hb = b * H,
        out = (b * T + t) * H,
        prev = (b * T + tPrev) * H;
      for (let j = 0; j < H; j++) {
        Hprev[out + j] = first ? H0[hb + j]! : Y[prev + j]!;
        const dhT = dh[hb + j]! + (dY ? dY[out + j]! : 0);
        const y = Y[out + j]!;
        dG[out + j] = dhT * (relu ? (y > 0 ? 1 : 0) : 1 - y * y);
        dh[hb + j] = 0;
        if (dhSteps) dhSteps[out + j] = dhT;
      }
    }
    gemmNT({ rows: B, cols: H, depth: H, left: matrix(dG, T * H, t * H), right: matrix(WhhT, H), out: matrix(dh, H), accumulate: true });
  }
  const grads = sequenceWeightGradients(dG, dG, X, Hprev, data(inputs.weightIh), dims);
  const x = inputs.x;
  const result: RnnBackwardOutputs = {
    dx: info(grads.dX, [B, T, dims.I], x),
    dh0: info(dh, [B, H], x),
    dWeightIh: info(grads.dWih, [H, dims.I], x),
    dWeightHh: info(grads.dWhh, [H, H], x),
    dBiasIh: info(grads.dBih, [H], x),
    dBiasHh: info(grads.dBhh, [H], x),
  };
  if (dhSteps) result.dhSteps = info(dhSteps, [B, T, H], x);
  return result;
}
