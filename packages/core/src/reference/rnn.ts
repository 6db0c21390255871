import type { RnnAttrs } from '../kernel-names.js';
import { tidy } from '../registry.js';
import { add, maximum, mul, neg, relu, tanh } from '../ops/elementwise.js';
import { matMul } from '../ops/mat-mul.js';
import { sum } from '../ops/reduce.js';
import { reshape } from '../ops/shape-ops.js';
import type { KernelInputs, KernelResult } from '../kernel-types.js';
import type { Tensor } from '../tensor.js';
import { keepWhereMasked, stackSteps, stepMask, stepOf, timeOrder, zerosLike } from './steps.js';

/** Vanilla RNN: h_t = act(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh), act = tanh or relu. */
export function rnnForwardReference(inputs: KernelInputs<'RnnForward'>, attrs: RnnAttrs): KernelResult<'RnnForward'> {
  return tidy(() => {
    const { x, weightIh, weightHh, biasIh, biasHh, h0 } = inputs;
    const [B, T] = x.shape as [number, number];
    const act = attrs.nonlinearity === 'relu' ? relu : tanh;
    let h = h0;
    const ys: Tensor[] = new Array(T);
    for (const t of timeOrder(T, attrs.reverse)) {
      const m = stepMask(attrs.lengths, t, B, x.dtype);
      const hNew = act(
        add(add(matMul(stepOf(x, t), weightIh, { transposeB: true }), biasIh), add(matMul(h, weightHh, { transposeB: true }), biasHh)),
      );
      ys[t] = mul(m, hNew);
      h = keepWhereMasked(m, hNew, h);
    }
    return { y: stackSteps(ys), h };
  });
}

/** RNN backward: dpre = dh_t ⊙ act'(h_t) (tanh' = 1 − h², relu' = [h > 0]); dh_{t−1} = dpre · W_hh. */
export function rnnBackwardReference(inputs: KernelInputs<'RnnBackward'>, attrs: RnnAttrs): KernelResult<'RnnBackward'> {
  return tidy(() => {
    const { x, weightIh, weightHh, h0, y, dy, dh: dhFinal } = inputs;
    const [B, T] = x.shape as [number, number];
    let dh = dhFinal ?? zerosLike(h0);
    let dWih = zerosLike(weightIh);
    let dWhh = zerosLike(weightHh);
    let dBias: Tensor | null = null;
    const dxs: Tensor[] = new Array(T);
    const dhSteps: Tensor[] = new Array(T);
    const order = timeOrder(T, attrs.reverse);
    for (let s = T - 1; s >= 0; s--) {
      const t = order[s]!;
      const m = stepMask(attrs.lengths, t, B, x.dtype);
      const hPrev = s === 0 ? h0 : keepWhereMasked(stepMask(attrs.lengths, order[s - 1]!, B, x.dtype), stepOf(y, order[s - 1]!), h0);
      const yT = stepOf(y, t);
      const derivative = attrs.nonlinearity === 'relu' ? positive(yT) : add(mul(mul(yT, yT), -1), 1);
      const dhT = dy ? add(dh, mul(m, stepOf(dy, t))) : dh;
      const dPre = mul(m, mul(dhT, derivative));
      dxs[t] = matMul(dPre, weightIh);
      dWih = add(dWih, matMul(dPre, stepOf(x, t), { transposeA: true }));
      dWhh = add(dWhh, matMul(dPre, hPrev, { transposeA: true }));
      dBias = dBias ? add(dBias, sum(dPre, 0)) : sum(dPre, 0);
      dhSteps[t] = mul(m, dhT);
      dh = keepWhereMasked(m, matMul(dPre, weightHh), dh);
    }
    const out: KernelResult<'RnnBackward'> = {
      dx: stackSteps(dxs),
      dh0: dh,
      dWeightIh: dWih,
      dWeightHh: dWhh,
      dBiasIh: dBias!,
      dBiasHh: reshape(dBias!, dBias!.shape),
    };
    if (attrs.record) out.dhSteps = stackSteps(dhSteps);
    return out;
  });
}

/** [y > 0] as 0/1 for relu outputs (y ≥ 0): 1 − max(1 − 10³⁰·y, 0), from primitives only. */
function positive(yT: Tensor): Tensor {
  return add(neg(maximum(add(neg(mul(yT, 1e30)), 1), 0)), 1);
}
