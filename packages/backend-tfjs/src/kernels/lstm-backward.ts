import type { LstmAttrs, LstmBackwardInputs, LstmBackwardOutputs } from '@lstm/core';
import { t, tf } from '../tf.js';
import { lstmCellBackwardColumns, tanhOf } from './lstm-cell.js';
import {
  allSteps,
  columnMasks,
  columnStep,
  fromColumnSteps,
  inputGradients,
  keepWhereMasked,
  outputs,
  stepRows,
  timeOrder,
  toColumnSteps,
} from './recurrent-common.js';
import { lstmBackwardWebgl } from './webgl/lstm-backward-webgl.js';

/**
 * Backward through time for `LstmForward`, in the same column layout: per step the gate
 * derivatives and one matMul W_hhᵀ·dG for ∂L/∂h_{t−1}; the gradients of the input, of both
 * weight matrices and of the bias for all steps at the end, in three matMuls and a sum.
 */
export function LstmBackward(inputs: LstmBackwardInputs, attrs: LstmAttrs): LstmBackwardOutputs {
  if (tf.getBackend() === 'webgl') return lstmBackwardWebgl(inputs, attrs);
  const [B, T, I] = inputs.x.shape as [number, number, number];
  const H = inputs.weightHh.shape[1]!;
  const G = inputs.weightHh.shape[0]! / H;
  const tanh = tanhOf(tf.getBackend() === 'wasm');
  const result = tf.tidy(() => {
    const weightHhT = tf.transpose(t(inputs.weightHh));
    const h0 = tf.transpose(t(inputs.h0));
    const c0 = tf.transpose(t(inputs.c0));
    const gates = toColumnSteps(t(inputs.gates));
    const cells = toColumnSteps(t(inputs.cells));
    const ys = toColumnSteps(t(inputs.y));
    const dys = inputs.dy ? toColumnSteps(t(inputs.dy)) : null;
    const peephole = attrs.variant === 'peephole' ? tf.split(tf.reshape(t(inputs.peephole!), [3 * H, 1]), 3) : null;
    const masks = columnMasks(attrs.lengths, B, T);
    let dh = inputs.dh ? tf.transpose(t(inputs.dh)) : tf.zerosLike(h0);
    let dc = inputs.dc ? tf.transpose(t(inputs.dc)) : tf.zerosLike(c0);
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
      hPrevs[step] = previous < 0 ? h0 : keepWhereMasked(masks?.[previous] ?? null, columnStep(ys, previous), h0);
      const cPrev = previous < 0 ? c0 : columnStep(cells, previous);
      const dhT = dys ? tf.add(dh, m ? tf.mul(m, columnStep(dys, step)) : columnStep(dys, step)) : dh;
      const cell = lstmCellBackwardColumns(dhT, dc, columnStep(gates, step), cPrev, columnStep(cells, step), peephole, attrs.variant, tanh);
      const packed = tf.concat(cell.dG, 0);
      const dG = m ? tf.mul(m, packed) : packed;
      dGs[step] = dG;
      if (cell.peepholeTerms && dPeephole) {
        const terms = cell.peepholeTerms;
        dPeephole = dPeephole.map((total, k) => tf.add(total, tf.sum(m ? tf.mul(m, terms[k]!) : terms[k]!, 1, true)));
      }
      if (attrs.record) {
        dhSteps[step] = m ? tf.mul(m, dhT) : dhT;
        dcSteps[step] = m ? tf.mul(m, cell.dcT) : cell.dcT;
      }
      dh = keepWhereMasked(m, tf.matMul(weightHhT, dG), dh);
      dc = keepWhereMasked(m, cell.dcPrev, dc);
    }
    if (T === 0) {
      return {
        dx: tf.zeros([B, 0, I]),
        dh0: tf.transpose(dh),
        dc0: tf.transpose(dc),
        dWeightIh: tf.zeros([G * H, I]),
        dWeightHh: tf.zeros([G * H, H]),
        dBiasIh: tf.zeros([G * H]),
        dBiasHh: tf.zeros([G * H]),
        dPeephole: peephole ? tf.zeros([3 * H]) : undefined,
        dhSteps: attrs.record ? tf.zeros([B, 0, H]) : undefined,
        dcSteps: attrs.record ? tf.zeros([B, 0, H]) : undefined,
      };
    }
    // All steps at once, columns t-major: dG [G·H, T·B] against x and h_{t−1} as [T·B, ·] rows.
    const { dx, dWeightIh, dBias } = inputGradients(dGs, t(inputs.x), t(inputs.weightIh));
    return {
      dx,
      dh0: tf.transpose(dh),
      dc0: tf.transpose(dc),
      dWeightIh,
      dWeightHh: tf.matMul(allSteps(dGs), stepRows(hPrevs)),
      dBiasIh: dBias,
      dBiasHh: tf.clone(dBias),
      dPeephole: dPeephole ? tf.reshape(tf.concat(dPeephole), [3 * H]) : undefined,
      dhSteps: attrs.record ? fromColumnSteps(dhSteps) : undefined,
      dcSteps: attrs.record ? fromColumnSteps(dcSteps) : undefined,
    };
  });
  return outputs(result) as LstmBackwardOutputs;
}
