import type { GruAttrs, GruBackwardInputs, GruBackwardOutputs } from '@lstm/core';
import { alloc } from './buffers.js';
import { gateGrad } from './elementwise.js';
import { gemmNT, matrix } from './gemm.js';
import { copyOrZeros, data, dimsOf, info, isFirstStep, lengthOf, sequenceWeightGradients, stepAt, transposed } from './recurrent-common.js';

/**
 * Fused GRU backward. With dh_t the total gradient at h_t:
 *   dn' = dh_t ⊙ (1 − z) ⊙ (1 − n²)        dz' = dh_t ⊙ (h_{t−1} − n) ⊙ z(1 − z)
 *   dr' = dn' ⊙ hn ⊙ r(1 − r)
 *   input side dGx = [dr', dz', dn']        recurrent side dGh = [dr', dz', dn' ⊙ r]
 *   dh_{t−1} = dh_t ⊙ z + dGh_t · W_hh
 */
export function GruBackward(inputs: GruBackwardInputs, { reverse, lengths, record, gateActivation }: GruAttrs): GruBackwardOutputs {
  const hard = gateActivation === 'hardSigmoid';
  const dims = dimsOf(inputs.x, inputs.weightHh);
  const { B, T, H, GH } = dims;
  const X = data(inputs.x),
    Y = data(inputs.y),
    gates = data(inputs.gates),
    hnAll = data(inputs.hn),
    H0 = data(inputs.h0);
  const dY = inputs.dy ? data(inputs.dy) : null;
  const dh = copyOrZeros(X, inputs.dh, B * H);
  const dGx = alloc(X, B * T * GH);
  const dGh = alloc(X, B * T * GH);
  const Hprev = alloc(X, B * T * H);
  const WhhT = transposed(data(inputs.weightHh), GH, H);
  const dhSteps = record ? alloc(X, B * T * H) : null;

  for (let s = T - 1; s >= 0; s--) {
    const t = stepAt(s, T, reverse);
    const tPrev = reverse ? t + 1 : t - 1;
    for (let b = 0; b < B; b++) {
      const length = lengthOf(lengths, b, T);
      if (t >= length) continue;
      const first = isFirstStep(t, length, reverse);
      const hb = b * H,
        row = b * T + t,
        p = row * GH,
        out = row * H,
        prev = (b * T + tPrev) * H;
      for (let j = 0; j < H; j++) {
        const hPrev = first ? H0[hb + j]! : Y[prev + j]!;
        Hprev[out + j] = hPrev;
        const dhT = dh[hb + j]! + (dY ? dY[out + j]! : 0);
        const r = gates[p + j]!,
          z = gates[p + H + j]!,
          n = gates[p + 2 * H + j]!;
        const dnPre = dhT * (1 - z) * (1 - n * n);
        const dzPre = dhT * (hPrev - n) * gateGrad(z, hard);
        const drPre = dnPre * hnAll[out + j]! * gateGrad(r, hard);
        dGx[p + j] = drPre;
        dGx[p + H + j] = dzPre;
        dGx[p + 2 * H + j] = dnPre;
        dGh[p + j] = drPre;
        dGh[p + H + j] = dzPre;
        dGh[p + 2 * H + j] = dnPre * r;
        dh[hb + j] = dhT * z; // + dGh_t · W_hh below
        if (dhSteps) dhSteps[out + j] = dhT;
      }
    }
    gemmNT({
      rows: B,
      cols: H,
      depth: GH,
      left: matrix(dGh, T * GH, t * GH),
      right: matrix(WhhT, GH),
      out: matrix(dh, H),
      accumulate: true,
    });
  }
  const grads = sequenceWeightGradients(dGx, dGh, X, Hprev, data(inputs.weightIh), dims);
  const x = inputs.x;
  const result: GruBackwardOutputs = {
    dx: info(grads.dX, [B, T, dims.I], x),
    dh0: info(dh, [B, H], x),
    dWeightIh: info(grads.dWih, [GH, dims.I], x),
    dWeightHh: info(grads.dWhh, [GH, H], x),
    dBiasIh: info(grads.dBih, [GH], x),
    dBiasHh: info(grads.dBhh, [GH], x),
  };
  if (dhSteps) result.dhSteps = info(dhSteps, [B, T, H], x);
  return result;
}
