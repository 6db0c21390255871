import type { LstmAttrs, LstmForwardInputs, LstmForwardOutputs } from '@lstm/core';
import { t, tf } from '../../tf.js';
import { fromTimeSlices, outputs, stepMasks, timeOrder, timeSlices } from '../recurrent-common.js';
import { lstmCellProgram } from './lstm-cell-program.js';

/**
 * The whole sequence of one LSTM layer and direction on WebGL: the input projections of all
 * steps as one matMul, then per step one recurrent matMul and the gate update in our own
 * programs (`lstmCellProgram`: one for the new (c, h), one for the gates when recorded).
 */
export function lstmForwardWebgl(
  inputs: LstmForwardInputs,
  attrs: LstmAttrs,
  variant: 'standard' | 'peephole' | 'coupled',
): LstmForwardOutputs {
  const [B, T, I] = inputs.x.shape as [number, number, number];
  const H = inputs.weightHh.shape[1]!;
  const G = inputs.weightHh.shape[0]! / H;
  const result = tf.tidy(() => {
    const weightHh = t(inputs.weightHh);
    const bias = tf.add(t(inputs.biasIh), t(inputs.biasHh));
    const projected = tf.add(tf.matMul(tf.reshape(t(inputs.x), [B * T, I]), t(inputs.weightIh), false, true), bias);
    const steps = T > 0 ? timeSlices(tf.reshape(projected, [B, T, G * H])) : [];
    const peephole = variant === 'peephole' ? tf.split(t(inputs.peephole!), 3) : null;
    const masks = stepMasks(attrs.lengths, B, T);
    let h = t(inputs.h0);
    let c = t(inputs.c0);
    const ys: tf.Tensor[] = new Array(T);
    const gateSteps: tf.Tensor[] = new Array(T);
    const cellSteps: tf.Tensor[] = new Array(T);
    for (const step of timeOrder(T, attrs.reverse)) {
      const pre = tf.add(steps[step]!, tf.matMul(h, weightHh, false, true));
      const m = masks?.[step] ?? null;
      const next = lstmCellProgram(pre, c, h, m, peephole, variant, attrs.record, attrs.gateActivation);
      ys[step] = m ? tf.mul(m, next.h) : next.h;
      if (next.gates) gateSteps[step] = next.gates;
      // The programs keep padded rows' state already.
      h = next.h;
      c = next.c;
      cellSteps[step] = c;
    }
    return {
      y: T > 0 ? fromTimeSlices(ys) : tf.zeros([B, 0, H]),
      h: tf.clone(h),
      c: tf.clone(c),
      gates: attrs.record ? (T > 0 ? fromTimeSlices(gateSteps) : tf.zeros([B, 0, G * H])) : undefined,
      cells: attrs.record ? (T > 0 ? fromTimeSlices(cellSteps) : tf.zeros([B, 0, H])) : undefined,
    };
  });
  return outputs(result) as LstmForwardOutputs;
}
