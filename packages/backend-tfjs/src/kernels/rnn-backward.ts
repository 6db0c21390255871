import type { RnnAttrs, RnnBackwardInputs, RnnBackwardOutputs } from '@lstm/core';
import { t, tf } from '../tf.js';
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

/** RNN backward: dpre = dh_t ⊙ act'(h_t) (tanh' = 1 − h², relu' = [h > 0]); dh_{t−1} = W_hhᵀ · dpre. */
export function RnnBackward(inputs: RnnBackwardInputs, attrs: RnnAttrs): RnnBackwardOutputs {
  const [B, T, I] = inputs.x.shape as [number, number, number];
  const H = inputs.weightHh.shape[1]!;
  const result = tf.tidy(() => {
    const weightHhT = tf.transpose(t(inputs.weightHh));
    const h0 = tf.transpose(t(inputs.h0));
    const ys = toColumnSteps(t(inputs.y));
    const dys = inputs.dy ? toColumnSteps(t(inputs.dy)) : null;
    const masks = columnMasks(attrs.lengths, B, T);
    let dh = inputs.dh ? tf.transpose(t(inputs.dh)) : tf.zerosLike(h0);
    const dPres: tf.Tensor[] = new Array(T);
    const hPrevs: tf.Tensor[] = new Array(T);
    const dhSteps: tf.Tensor[] = new Array(T);
    const order = timeOrder(T, attrs.reverse);
    for (let s = T - 1; s >= 0; s--) {
      const step = order[s]!;
      const previous = s === 0 ? -1 : order[s - 1]!;
      const m = masks?.[step] ?? null;
      hPrevs[step] = previous < 0 ? h0 : keepWhereMasked(masks?.[previous] ?? null, columnStep(ys, previous), h0);
      const y = columnStep(ys, step);
      const derivative = attrs.nonlinearity === 'relu' ? tf.cast(tf.greater(y, 0), 'float32') : tf.sub(1, tf.mul(y, y));
      const dhT = dys ? tf.add(dh, m ? tf.mul(m, columnStep(dys, step)) : columnStep(dys, step)) : dh;
      const dPre = tf.mul(dhT, derivative);
      dPres[step] = m ? tf.mul(m, dPre) : dPre;
      if (attrs.record) dhSteps[step] = m ? tf.mul(m, dhT) : dhT;
      dh = keepWhereMasked(m, tf.matMul(weightHhT, dPres[step]!), dh);
    }
    if (T === 0) {
      return {
        dx: tf.zeros([B, 0, I]),
        dh0: tf.transpose(dh),
        dWeightIh: tf.zeros([H, I]),
        dWeightHh: tf.zeros([H, H]),
        dBiasIh: tf.zeros([H]),
        dBiasHh: tf.zeros([H]),
        dhSteps: attrs.record ? tf.zeros([B, 0, H]) : undefined,
      };
    }
    const { dx, dWeightIh, dBias } = inputGradients(dPres, t(inputs.x), t(inputs.weightIh));
    return {
      dx,
      dh0: tf.transpose(dh),
      dWeightIh,
      dWeightHh: tf.matMul(allSteps(dPres), stepRows(hPrevs)),
      dBiasIh: dBias,
      dBiasHh: tf.clone(dBias),
      dhSteps: attrs.record ? fromColumnSteps(dhSteps) : undefined,
    };
  });
  return outputs(result) as RnnBackwardOutputs;
}
