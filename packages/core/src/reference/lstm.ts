import type { LstmAttrs } from '../kernel-names.js';
import { tidy } from '../registry.js';
import { add, mul, sub, tanh } from '../ops/elementwise.js';
import { matMul } from '../ops/mat-mul.js';
import { sum } from '../ops/reduce.js';
import { concat, reshape, slice } from '../ops/shape-ops.js';
import type { KernelInputs, KernelResult } from '../kernel-types.js';
import type { Tensor } from '../tensor.js';
import { block, gate, gateGrad, keepWhereMasked, stackSteps, stepMask, stepOf, timeOrder, zerosLike } from './steps.js';

/**
 * LSTM composed from primitive ops, one step at a time (the fallback and the oracle that
 * fused kernels are tested against). Equations (spec §2), gates packed i, f, g, o:
 *   i = σ(·)  f = σ(·)  g = tanh(·)  o = σ(·)      peephole: i, f see c_{t−1}; o sees c_t
 *   c_t = f ⊙ c_{t−1} + i ⊙ g                       coupled: i = 1 − f, packed f, g, o
 *   h_t = o ⊙ tanh(c_t)
 */
export function lstmForwardReference(inputs: KernelInputs<'LstmForward'>, attrs: LstmAttrs): KernelResult<'LstmForward'> {
  return tidy(() => {
    const { x, weightIh, weightHh, biasIh, biasHh, h0, c0, peephole } = inputs;
    const [B, T] = x.shape as [number, number];
    const H = weightHh.shape[1]!;
    const coupled = attrs.variant === 'coupled';
    const p = attrs.variant === 'peephole' ? [0, 1, 2].map((k) => slice(peephole!, [k * H], [H])) : null;
    let h = h0;
    let c = c0;
    const ys: Tensor[] = new Array(T);
    const gateSteps: Tensor[] = new Array(T);
    const cellSteps: Tensor[] = new Array(T);
    for (const t of timeOrder(T, attrs.reverse)) {
      const m = stepMask(attrs.lengths, t, B, x.dtype);
      const pre = add(
        add(matMul(stepOf(x, t), weightIh, { transposeB: true }), biasIh),
        add(matMul(h, weightHh, { transposeB: true }), biasHh),
      );
      let i: Tensor, f: Tensor, g: Tensor, o: Tensor, cNew: Tensor;
      if (coupled) {
        f = gate(block(pre, 0, H), attrs.gateActivation);
        g = tanh(block(pre, 1, H));
        i = add(mul(f, -1), 1);
        cNew = add(mul(f, c), mul(i, g));
        o = gate(block(pre, 2, H), attrs.gateActivation);
      } else {
        i = gate(p ? add(block(pre, 0, H), mul(p[0]!, c)) : block(pre, 0, H), attrs.gateActivation);
        f = gate(p ? add(block(pre, 1, H), mul(p[1]!, c)) : block(pre, 1, H), attrs.gateActivation);
        g = tanh(block(pre, 2, H));
        cNew = add(mul(f, c), mul(i, g));
        o = gate(p ? add(block(pre, 3, H), mul(p[2]!, cNew)) : block(pre, 3, H), attrs.gateActivation);
      }
      const hNew = mul(o, tanh(cNew));
      ys[t] = mul(m, hNew);
      h = keepWhereMasked(m, hNew, h);
      c = keepWhereMasked(m, cNew, c);
      gateSteps[t] = mul(m, concat(coupled ? [f, g, o] : [i, f, g, o], 1));
      cellSteps[t] = c;
    }
    const out: KernelResult<'LstmForward'> = { y: stackSteps(ys), h, c };
    if (attrs.record) {
      out.gates = stackSteps(gateSteps);
      out.cells = stackSteps(cellSteps);
    }
    return out;
  });
}

/**
 * Backward through time, step by step, for the LSTM above. With dh, dc the gradients arriving
 * at h_t, c_t from later steps:
 *   dh_t = dh + dy_t                 dc_t = dc + dh_t ⊙ o ⊙ (1 − tanh²c_t)   [+ do' ⊙ p_o]
 *   do = dh_t ⊙ tanh c_t             di = dc_t ⊙ g    dg = dc_t ⊙ i    df = dc_t ⊙ c_{t−1}
 *   (pre-activations: σ' = s(1 − s), tanh' = 1 − g²)
 *   dc_{t−1} = dc_t ⊙ f [+ di' ⊙ p_i + df' ⊙ p_f]      dh_{t−1} = dG · W_hh
 */
export function lstmBackwardReference(inputs: KernelInputs<'LstmBackward'>, attrs: LstmAttrs): KernelResult<'LstmBackward'> {
  return tidy(() => {
    const { x, weightIh, weightHh, peephole, h0, c0, y, gates, cells, dy, dh: dhFinal, dc: dcFinal } = inputs;
    const [B, T] = x.shape as [number, number];
    const H = weightHh.shape[1]!;
    const coupled = attrs.variant === 'coupled';
    const p = attrs.variant === 'peephole' ? [0, 1, 2].map((k) => slice(peephole!, [k * H], [H])) : null;
    let dh = dhFinal ?? zerosLike(h0);
    let dc = dcFinal ?? zerosLike(c0);
    let dWih = zerosLike(weightIh);
    let dWhh = zerosLike(weightHh);
    let dBias: Tensor | null = null;
    let dPeep = p ? [0, 1, 2].map(() => zerosLike(p[0]!)) : null;
    const dxs: Tensor[] = new Array(T);
    const dhSteps: Tensor[] = new Array(T);
    const dcSteps: Tensor[] = new Array(T);
    const order = timeOrder(T, attrs.reverse);
    for (let s = T - 1; s >= 0; s--) {
      const t = order[s]!;
      const first = s === 0;
      const previous = first ? -1 : order[s - 1]!;
      const m = stepMask(attrs.lengths, t, B, x.dtype);
      const mPrev = first ? null : stepMask(attrs.lengths, previous, B, x.dtype);
      // h_{t−1}: y of the previous step where it was valid, else the initial state.
      const hPrev = first ? h0 : keepWhereMasked(mPrev!, stepOf(y, previous), h0);
      const cPrev = first ? c0 : stepOf(cells, previous);
      const cT = stepOf(cells, t);
      const g4 = stepOf(gates, t);
      const dhT = dy ? add(dh, mul(m, stepOf(dy, t))) : dh;
      const tc = tanh(cT);
      let f: Tensor, g: Tensor, o: Tensor, i: Tensor;
      if (coupled) {
        f = block(g4, 0, H);
        g = block(g4, 1, H);
        o = block(g4, 2, H);
        i = add(mul(f, -1), 1);
      } else {
        i = block(g4, 0, H);
        f = block(g4, 1, H);
        g = block(g4, 2, H);
        o = block(g4, 3, H);
      }
      const sigmoidGrad = (a: Tensor) => gateGrad(a, attrs.gateActivation);
      const dOpre = mul(mul(dhT, tc), sigmoidGrad(o));
      let dcT = add(dc, mul(mul(dhT, o), add(mul(mul(tc, tc), -1), 1)));
      if (p) dcT = add(dcT, mul(dOpre, p[2]!));
      const dGpre = mul(mul(dcT, i), add(mul(mul(g, g), -1), 1));
      let dcPrev = mul(dcT, f);
      let dG: Tensor;
      if (coupled) {
        const dFpre = mul(mul(dcT, sub(cPrev, g)), sigmoidGrad(f));
        dG = concat([dFpre, dGpre, dOpre], 1);
      } else {
        const dIpre = mul(mul(dcT, g), sigmoidGrad(i));
        const dFpre = mul(mul(dcT, cPrev), sigmoidGrad(f));
        if (p) {
          dcPrev = add(dcPrev, add(mul(dIpre, p[0]!), mul(dFpre, p[1]!)));
          const terms = [mul(dIpre, cPrev), mul(dFpre, cPrev), mul(dOpre, cT)];
          dPeep = dPeep!.map((acc, k) => add(acc, sum(mul(m, terms[k]!), 0)));
        }
        dG = concat([dIpre, dFpre, dGpre, dOpre], 1);
      }
      dG = mul(m, dG);
      dxs[t] = matMul(dG, weightIh);
      dWih = add(dWih, matMul(dG, stepOf(x, t), { transposeA: true }));
      dWhh = add(dWhh, matMul(dG, hPrev, { transposeA: true }));
      dBias = dBias ? add(dBias, sum(dG, 0)) : sum(dG, 0);
      dhSteps[t] = mul(m, dhT);
      dcSteps[t] = mul(m, dcT);
      dh = keepWhereMasked(m, matMul(dG, weightHh), dh);
      dc = keepWhereMasked(m, dcPrev, dc);
    }
    const out: KernelResult<'LstmBackward'> = {
      dx: stackSteps(dxs),
      dh0: dh,
      dc0: dc,
      dWeightIh: dWih,
      dWeightHh: dWhh,
      dBiasIh: dBias!,
      dBiasHh: reshape(dBias!, dBias!.shape),
    };
    if (dPeep) out.dPeephole = concat(dPeep, 0);
    if (attrs.record) {
      out.dhSteps = stackSteps(dhSteps);
      out.dcSteps = stackSteps(dcSteps);
    }
    return out;
  });
}
