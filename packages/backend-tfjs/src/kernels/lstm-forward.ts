import type { LstmAttrs, LstmForwardInputs, LstmForwardOutputs } from '@lstm/core';
import { t, tf } from '../tf.js';
import { gateOf, lstmCellColumns, peepholeColumns, programVariant, recurrentGates, tanhOf, wideGateRecurrence } from './lstm-cell.js';
import { columnMasks, columnStep, fromColumnSteps, keepWhereMasked, outputs, projectColumns, timeOrder } from './recurrent-common.js';
import { lstmForwardWebgl } from './webgl/lstm-forward-webgl.js';

/**
 * The whole sequence of one LSTM layer and direction. On WebGL: our own gate programs
 * (`lstmForwardWebgl`). On wasm and cpu, where custom kernels are closed to us, the fewest tfjs
 * ops in the column layout: the input projections of all steps as one matMul, then per step one
 * slice, one recurrent matMul W_hh·h and the gate arithmetic on contiguous row blocks (and with
 * gate recurrence one more matMul R̃·A, A = the previous step's i, f, o).
 */
export function LstmForward(inputs: LstmForwardInputs, attrs: LstmAttrs): LstmForwardOutputs {
  const variant = programVariant(attrs.form);
  if (tf.getBackend() === 'webgl' && variant) return lstmForwardWebgl(inputs, attrs, variant);
  const [B, T] = inputs.x.shape as [number, number];
  const H = inputs.weightHh.shape[1]!;
  const G = inputs.weightHh.shape[0]! / H;
  const tanh = tanhOf(tf.getBackend() === 'wasm');
  const result = tf.tidy(() => {
    const weightHh = t(inputs.weightHh);
    const projected = projectColumns(t(inputs.x), t(inputs.weightIh), tf.add(t(inputs.biasIh), t(inputs.biasHh)));
    const peephole = peepholeColumns(attrs.form, inputs.peephole && t(inputs.peephole), H);
    const masks = columnMasks(attrs.lengths, B, T);
    let h = tf.transpose(t(inputs.h0));
    let c = tf.transpose(t(inputs.c0));
    const R = attrs.form.gateRecurrence ? wideGateRecurrence(t(inputs.gateRecurrence!), H) : null;
    let A = R ? tf.zeros([3 * H, B], c.dtype) : null;
    const ys: tf.Tensor[] = new Array(T);
    const gateSteps: tf.Tensor[] = new Array(T);
    const cellSteps: tf.Tensor[] = new Array(T);
    for (const step of timeOrder(T, attrs.reverse)) {
      let pre = tf.add(columnStep(projected, step), tf.matMul(weightHh, h));
      if (R) pre = tf.add(pre, tf.matMul(R, A!));
      const m = masks?.[step] ?? null;
      const next = lstmCellColumns(pre, c, peephole, attrs.form, tanh, gateOf(attrs.gateActivation));
      ys[step] = m ? tf.mul(m, next.h) : next.h;
      if (attrs.record) {
        const gates = tf.concat(next.gates, 0);
        gateSteps[step] = m ? tf.mul(m, gates) : gates;
      }
      h = keepWhereMasked(m, next.h, h);
      c = keepWhereMasked(m, next.c, c);
      if (A) A = keepWhereMasked(m, recurrentGates(tf.concat(next.gates, 0), H), A);
      cellSteps[step] = c;
    }
    return {
      y: T > 0 ? fromColumnSteps(ys) : tf.zeros([B, 0, H]),
      h: tf.transpose(h),
      c: tf.transpose(c),
      gates: attrs.record ? (T > 0 ? fromColumnSteps(gateSteps) : tf.zeros([B, 0, G * H])) : undefined,
      cells: attrs.record ? (T > 0 ? fromColumnSteps(cellSteps) : tf.zeros([B, 0, H])) : undefined,
    };
  });
  return outputs(result) as LstmForwardOutputs;
}
