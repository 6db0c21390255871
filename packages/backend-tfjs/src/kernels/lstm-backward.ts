import type { LstmAttrs, LstmBackwardInputs, LstmBackwardOutputs } from '@lstm/core';
import { t, tf } from '../tf.js';
import {
  gateGradOf,
  lstmCellBackwardColumns,
  peepholeColumns,
  programVariant,
  recurrentGates,
  tanhOf,
  wideGateRecurrence,
} from './lstm-cell.js';
import {
  BackwardWalk,
  columnStep,
  fromColumnSteps,
  inputGradients,
  keepWhereMasked,
  masked,
  outputs,
  toColumnSteps,
} from './recurrent-common.js';
import { lstmBackwardWebgl } from './webgl/lstm-backward-webgl.js';

/**
 * Backward through time for `LstmForward`, in the same column layout: per step the gate
 * derivatives and one matMul W_hhᵀ·dG for ∂L/∂h_{t−1}; the gradients of the input, of both
 * weight matrices and of the bias for all steps at the end, in three matMuls and a sum.
 */
export function LstmBackward(inputs: LstmBackwardInputs, attrs: LstmAttrs): LstmBackwardOutputs {
  const variant = programVariant(attrs.form);
  if (tf.getBackend() === 'webgl' && variant) return lstmBackwardWebgl(inputs, attrs, variant);
  const [B, T, I] = inputs.x.shape as [number, number, number];
  const H = inputs.weightHh.shape[1]!;
  const G = inputs.weightHh.shape[0]! / H;
  const tanh = tanhOf(tf.getBackend() === 'wasm');
  const result = tf.tidy(() => {
    const weightHhT = tf.transpose(t(inputs.weightHh));
    const c0 = tf.transpose(t(inputs.c0));
    const gates = toColumnSteps(t(inputs.gates));
    const cells = toColumnSteps(t(inputs.cells));
    const peephole = peepholeColumns(attrs.form, inputs.peephole && t(inputs.peephole), H);
    const walk = new BackwardWalk(inputs, attrs);
    let dc = inputs.dc ? tf.transpose(t(inputs.dc)) : tf.zerosLike(c0);
    let dPeephole = peephole ? peephole.map((p) => tf.zerosLike(p)) : null;
    // Gate recurrence: ∂L/∂(i, f, o) carried to the step before, and Σ dG_t A_{t−1}ᵀ over R̃'s rows.
    const R = attrs.form.gateRecurrence ? wideGateRecurrence(t(inputs.gateRecurrence!), H) : null;
    const RT = R ? tf.transpose(R) : null;
    let dA = R ? tf.zeros([3 * H, B], c0.dtype) : null;
    let dR = R ? tf.zerosLike(R) : null;
    const dGs: tf.Tensor[] = new Array(T);
    const dcSteps: tf.Tensor[] = new Array(T);
    for (const { step, previous, m, dhT } of walk.steps()) {
      const cPrev = previous < 0 ? c0 : columnStep(cells, previous);
      const cell = lstmCellBackwardColumns(
        dhT,
        dc,
        columnStep(gates, step),
        cPrev,
        columnStep(cells, step),
        peephole,
        attrs.form,
        tanh,
        gateGradOf(attrs.gateActivation),
        dA,
      );
      dGs[step] = masked(m, tf.concat(cell.dG, 0));
      if (RT) {
        if (previous >= 0) dR = tf.add(dR!, tf.matMul(dGs[step]!, recurrentGates(columnStep(gates, previous), H), false, true));
        dA = keepWhereMasked(m, tf.matMul(RT, dGs[step]!), dA!);
      }
      const terms = cell.peepholeTerms;
      if (terms && dPeephole) dPeephole = dPeephole.map((total, k) => tf.add(total, tf.sum(masked(m, terms[k]!), 1, true)));
      if (attrs.record) dcSteps[step] = masked(m, cell.dcT);
      walk.carry(m, tf.matMul(weightHhT, dGs[step]!));
      dc = keepWhereMasked(m, cell.dcPrev, dc);
    }
    if (T === 0) {
      return {
        dx: tf.zeros([B, 0, I]),
        dh0: tf.transpose(walk.dh),
        dc0: tf.transpose(dc),
        dWeightIh: tf.zeros([G * H, I]),
        dWeightHh: tf.zeros([G * H, H]),
        dBiasIh: tf.zeros([G * H]),
        dBiasHh: tf.zeros([G * H]),
        dPeephole: peephole ? tf.zeros([peephole.length * H]) : undefined,
        dGateRecurrence: R ? tf.zeros([3 * H, 3 * H]) : undefined,
        dhSteps: attrs.record ? tf.zeros([B, 0, H]) : undefined,
        dcSteps: attrs.record ? tf.zeros([B, 0, H]) : undefined,
      };
    }
    // All steps at once, columns t-major: dG [G·H, T·B] against x and h_{t−1} as [T·B, ·] rows.
    const { dx, dWeightIh, dBias } = inputGradients(dGs, t(inputs.x), t(inputs.weightIh));
    return {
      dx,
      dh0: tf.transpose(walk.dh),
      dc0: tf.transpose(dc),
      dWeightIh,
      dWeightHh: walk.hiddenWeightGradient(dGs),
      dBiasIh: dBias,
      dBiasHh: tf.clone(dBias),
      dPeephole: dPeephole ? tf.reshape(tf.concat(dPeephole), [dPeephole.length * H]) : undefined,
      dGateRecurrence: dR ? recurrentGates(dR, H) : undefined,
      dhSteps: attrs.record ? fromColumnSteps(walk.dhSteps) : undefined,
      dcSteps: attrs.record ? fromColumnSteps(dcSteps) : undefined,
    };
  });
  return outputs(result) as LstmBackwardOutputs;
}
