import type { GruAttrs } from '../kernel-names.js';
import { tidy } from '../registry.js';
import { add, mul, sub, tanh } from '../ops/elementwise.js';
import { matMul } from '../ops/mat-mul.js';
import { sum } from '../ops/reduce.js';
import { concat } from '../ops/shape-ops.js';
import type { KernelInputs, KernelResult } from '../kernel-types.js';
import type { Tensor } from '../tensor.js';
import { block, gate, gateGrad, keepWhereMasked, stackSteps, stepMask, stepOf, timeOrder, zerosLike } from './steps.js';

/**
 * GRU composed from primitive ops (PyTorch's formulation, gates packed r, z, n):
 *   r = σ(W_ir x + b_ir + W_hr h + b_hr)      z = σ(W_iz x + b_iz + W_hz h + b_hz)
 *   n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
 *   h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
 */
export function gruForwardReference(inputs: KernelInputs<'GruForward'>, attrs: GruAttrs): KernelResult<'GruForward'> {
  return tidy(() => {
    const { x, weightIh, weightHh, biasIh, biasHh, h0 } = inputs;
    const [B, T] = x.shape as [number, number];
    const H = weightHh.shape[1]!;
    let h = h0;
    const ys: Tensor[] = new Array(T);
    const gateSteps: Tensor[] = new Array(T);
    const hnSteps: Tensor[] = new Array(T);
    for (const t of timeOrder(T, attrs.reverse)) {
      const m = stepMask(attrs.lengths, t, B, x.dtype);
      const xp = add(matMul(stepOf(x, t), weightIh, { transposeB: true }), biasIh);
      const hp = add(matMul(h, weightHh, { transposeB: true }), biasHh);
      const r = gate(add(block(xp, 0, H), block(hp, 0, H)), attrs.gateActivation);
      const z = gate(add(block(xp, 1, H), block(hp, 1, H)), attrs.gateActivation);
      const hn = block(hp, 2, H);
      const n = tanh(add(block(xp, 2, H), mul(r, hn)));
      const hNew = add(n, mul(z, sub(h, n)));
      ys[t] = mul(m, hNew);
      h = keepWhereMasked(m, hNew, h);
      gateSteps[t] = mul(m, concat([r, z, n], 1));
      hnSteps[t] = mul(m, hn);
    }
    const out: KernelResult<'GruForward'> = { y: stackSteps(ys), h };
    if (attrs.record) {
      out.gates = stackSteps(gateSteps);
      out.hn = stackSteps(hnSteps);
    }
    return out;
  });
}

/**
 * GRU backward. With dh_t the total gradient at h_t:
 *   dn = dh_t ⊙ (1 − z)   dz = dh_t ⊙ (h_{t−1} − n)   dn' = dn ⊙ (1 − n²)
 *   dr' = dn' ⊙ hn ⊙ r(1 − r)   dz' = dz ⊙ z(1 − z)
 *   input side dXp = [dr', dz', dn'];  hidden side dHp = [dr', dz', dn' ⊙ r]
 *   dh_{t−1} = dh_t ⊙ z + dHp · W_hh
 */
export function gruBackwardReference(inputs: KernelInputs<'GruBackward'>, attrs: GruAttrs): KernelResult<'GruBackward'> {
  return tidy(() => {
    const { x, weightIh, weightHh, h0, y, gates, hn: hnAll, dy, dh: dhFinal } = inputs;
    const [B, T] = x.shape as [number, number];
    const H = weightHh.shape[1]!;
    let dh = dhFinal ?? zerosLike(h0);
    let dWih = zerosLike(weightIh);
    let dWhh = zerosLike(weightHh);
    let dBih: Tensor | null = null;
    let dBhh: Tensor | null = null;
    const dxs: Tensor[] = new Array(T);
    const dhSteps: Tensor[] = new Array(T);
    const order = timeOrder(T, attrs.reverse);
    for (let s = T - 1; s >= 0; s--) {
      const t = order[s]!;
      const m = stepMask(attrs.lengths, t, B, x.dtype);
      const hPrev = s === 0 ? h0 : keepWhereMasked(stepMask(attrs.lengths, order[s - 1]!, B, x.dtype), stepOf(y, order[s - 1]!), h0);
      const g3 = stepOf(gates, t);
      const r = block(g3, 0, H),
        z = block(g3, 1, H),
        n = block(g3, 2, H);
      const hn = stepOf(hnAll!, t);
      const dhT = dy ? add(dh, mul(m, stepOf(dy, t))) : dh;
      const dnPre = mul(mul(dhT, add(mul(z, -1), 1)), add(mul(mul(n, n), -1), 1));
      const dzPre = mul(mul(dhT, sub(hPrev, n)), gateGrad(z, attrs.gateActivation));
      const drPre = mul(mul(dnPre, hn), gateGrad(r, attrs.gateActivation));
      const dXp = mul(m, concat([drPre, dzPre, dnPre], 1));
      const dHp = mul(m, concat([drPre, dzPre, mul(dnPre, r)], 1));
      dxs[t] = matMul(dXp, weightIh);
      dWih = add(dWih, matMul(dXp, stepOf(x, t), { transposeA: true }));
      dWhh = add(dWhh, matMul(dHp, hPrev, { transposeA: true }));
      dBih = dBih ? add(dBih, sum(dXp, 0)) : sum(dXp, 0);
      dBhh = dBhh ? add(dBhh, sum(dHp, 0)) : sum(dHp, 0);
      dhSteps[t] = mul(m, dhT);
      dh = keepWhereMasked(m, add(mul(dhT, z), matMul(dHp, weightHh)), dh);
    }
    const out: KernelResult<'GruBackward'> = {
      dx: stackSteps(dxs),
      dh0: dh,
      dWeightIh: dWih,
      dWeightHh: dWhh,
      dBiasIh: dBih!,
      dBiasHh: dBhh!,
    };
    if (attrs.record) out.dhSteps = stackSteps(dhSteps);
    return out;
  });
}
