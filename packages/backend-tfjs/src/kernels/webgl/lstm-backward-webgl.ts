import type { LstmAttrs, LstmBackwardInputs, LstmBackwardOutputs } from '@lstm/core';
import { t, tf } from '../../tf.js';
import { fromTimeSlices, keepWhereMasked, outputs, stepMasks, timeOrder, timeSlices } from '../recurrent-common.js';
import { lstmCellBackwardProgram } from './lstm-cell-program.js';

/**
 * Backward through time for `lstmForwardWebgl`: per step two programs (the gate derivatives,
 * and ∂L/∂c_t with ∂L/∂c_{t−1}) and one matMul for ∂L/∂h_{t−1}; the gradients of the input, of
 * both weight matrices and of the bias for all steps at the end, in three matMuls and a sum.
 */
export function lstmBackwardWebgl(
  inputs: LstmBackwardInputs,
  attrs: LstmAttrs,
  variant: 'standard' | 'peephole' | 'coupled',
): LstmBackwardOutputs {
  const [B, T, I] = inputs.x.shape as [number, number, number];
  const H = inputs.weightHh.shape[1]!;
  const G = inputs.weightHh.shape[0]! / H;
  const result = tf.tidy(() => {
    const weightHh = t(inputs.weightHh);
    const h0 = t(inputs.h0);
    const c0 = t(inputs.c0);
    const gates = T > 0 ? timeSlices(t(inputs.gates)) : [];
    const cells = T > 0 ? timeSlices(t(inputs.cells)) : [];
    const ys = T > 0 ? timeSlices(t(inputs.y)) : [];
    const dys = inputs.dy && T > 0 ? timeSlices(t(inputs.dy)) : null;
    const peephole = variant === 'peephole' ? tf.split(t(inputs.peephole!), 3) : null;
    const masks = stepMasks(attrs.lengths, B, T);
    let dh = inputs.dh ? t(inputs.dh) : tf.zerosLike(h0);
    let dc = inputs.dc ? t(inputs.dc) : tf.zerosLike(c0);
    let dPeephole = peephole ? peephole.map((p) => tf.zerosLike(p)) : null;
    const dGs: tf.Tensor[] = new Array(T);
    const hPrevs: tf.Tensor[] = new Array(T);
    const dhSteps: tf.Tensor[] = new Array(T);
    const dcSteps: tf.Tensor[] = new Array(T);
    const order = timeOrder(T, attrs.reverse);
    for (let s = T - 1; s >= 0; s--) {
      const step = order[s]!;
      const previous = s === 0 ? -1 : order[s - 1]!;
      const m = masks?.[step] ?? null;
      // h_{t−1}: y of the previous step where it was valid, else the initial state.
      hPrevs[step] = previous < 0 ? h0 : keepWhereMasked(masks?.[previous] ?? null, ys[previous]!, h0);
      const cPrev = previous < 0 ? c0 : cells[previous]!;
      const dhT = dys ? tf.add(dh, m ? tf.mul(m, dys[step]!) : dys[step]!) : dh;
      const cell = lstmCellBackwardProgram(dhT, dc, gates[step]!, cPrev, cells[step]!, m, peephole, variant, attrs.gateActivation);
      const dG = cell.dG;
      dGs[step] = dG;
      if (cell.peepholeTerms && dPeephole) {
        const terms = cell.peepholeTerms;
        dPeephole = dPeephole.map((total, k) => tf.add(total, tf.sum(terms[k]!, 0)));
      }
      if (attrs.record) {
        dhSteps[step] = m ? tf.mul(m, dhT) : dhT;
        dcSteps[step] = cell.dcT;
      }
      dh = keepWhereMasked(m, tf.matMul(dG, weightHh), dh);
      dc = cell.dcPrev;
    }
    if (T === 0) {
      const zeros = (shape: number[]) => tf.zeros(shape);
      return {
        dx: zeros([B, 0, I]),
        dh0: tf.clone(dh),
        dc0: tf.clone(dc),
        dWeightIh: zeros([G * H, I]),
        dWeightHh: zeros([G * H, H]),
        dBiasIh: zeros([G * H]),
        dBiasHh: zeros([G * H]),
        dPeephole: peephole ? zeros([3 * H]) : undefined,
        dhSteps: attrs.record ? zeros([B, 0, H]) : undefined,
        dcSteps: attrs.record ? zeros([B, 0, H]) : undefined,
      };
    }
    // Weight gradients of all steps at once: [G·H, B·T] · [B·T, I] and · [B·T, H].
    const dGAll = tf.reshape(fromTimeSlices(dGs), [B * T, G * H]);
    const dBias = tf.sum(dGAll, 0);
    return {
      dx: tf.reshape(tf.matMul(dGAll, t(inputs.weightIh)), [B, T, I]),
      dh0: tf.clone(dh),
      dc0: tf.clone(dc),
      dWeightIh: tf.matMul(dGAll, tf.reshape(t(inputs.x), [B * T, I]), true, false),
      dWeightHh: tf.matMul(dGAll, tf.reshape(fromTimeSlices(hPrevs), [B * T, H]), true, false),
      dBiasIh: dBias,
      dBiasHh: tf.clone(dBias),
      dPeephole: dPeephole ? tf.concat(dPeephole) : undefined,
      dhSteps: attrs.record ? fromTimeSlices(dhSteps) : undefined,
      dcSteps: attrs.record ? fromTimeSlices(dcSteps) : undefined,
    };
  });
  return outputs(result) as LstmBackwardOutputs;
}
