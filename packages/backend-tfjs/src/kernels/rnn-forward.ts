import type { RnnAttrs, RnnForwardInputs, RnnForwardOutputs } from '@lstm/core';
import { t, tf } from '../tf.js';
import { tanhOf } from './lstm-cell.js';
import { columnMasks, columnStep, fromColumnSteps, keepWhereMasked, outputs, projectColumns, timeOrder } from './recurrent-common.js';

/** Vanilla RNN, h_t = act(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh), in the column layout. */
export function RnnForward(inputs: RnnForwardInputs, attrs: RnnAttrs): RnnForwardOutputs {
  const [B, T] = inputs.x.shape as [number, number];
  const H = inputs.weightHh.shape[1]!;
  const act = attrs.nonlinearity === 'relu' ? tf.relu : tanhOf(tf.getBackend() === 'wasm');
  const result = tf.tidy(() => {
    const weightHh = t(inputs.weightHh);
    const projected = projectColumns(t(inputs.x), t(inputs.weightIh), tf.add(t(inputs.biasIh), t(inputs.biasHh)));
    const masks = columnMasks(attrs.lengths, B, T);
    let h = tf.transpose(t(inputs.h0));
    const ys: tf.Tensor[] = new Array(T);
    for (const step of timeOrder(T, attrs.reverse)) {
      const hNew = act(tf.add(columnStep(projected, step), tf.matMul(weightHh, h)));
      const m = masks?.[step] ?? null;
      ys[step] = m ? tf.mul(m, hNew) : hNew;
      h = keepWhereMasked(m, hNew, h);
    }
    return { y: T > 0 ? fromColumnSteps(ys) : tf.zeros([B, 0, H]), h: tf.transpose(h) };
  });
  return outputs(result) as RnnForwardOutputs;
}
