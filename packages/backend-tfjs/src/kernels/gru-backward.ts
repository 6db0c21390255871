import type { GruAttrs, GruBackwardInputs, GruBackwardOutputs } from '@lstm/core';
import { t, tf } from '../tf.js';
import { block } from './lstm-cell.js';
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

/**
 * GRU backward in the column layout. With dh_t the total gradient at h_t:
 *   dn' = dh_t ⊙ (1 − z) ⊙ (1 − n²)   dz' = dh_t ⊙ (h_{t−1} − n) ⊙ z(1 − z)   dr' = dn' ⊙ hn ⊙ r(1 − r)
 *   input side [dr', dz', dn'];  hidden side [dr', dz', dn' ⊙ r];  dh_{t−1} = dh_t ⊙ z + W_hhᵀ · hidden side
 * Weight and input gradients of all steps at the end, in three matMuls.
 */
export function GruBackward(inputs: GruBackwardInputs, attrs: GruAttrs): GruBackwardOutputs {
  const [B, T, I] = inputs.x.shape as [number, number, number];
  const H = inputs.weightHh.shape[1]!;
  const result = tf.tidy(() => {
    const weightHhT = tf.transpose(t(inputs.weightHh));
    const h0 = tf.transpose(t(inputs.h0));
    const gates = toColumnSteps(t(inputs.gates));
    const hns = toColumnSteps(t(inputs.hn));
    const ys = toColumnSteps(t(inputs.y));
    const dys = inputs.dy ? toColumnSteps(t(inputs.dy)) : null;
    const masks = columnMasks(attrs.lengths, B, T);
    let dh = inputs.dh ? tf.transpose(t(inputs.dh)) : tf.zerosLike(h0);
    const dXps: tf.Tensor[] = new Array(T);
    const dHps: tf.Tensor[] = new Array(T);
    const hPrevs: tf.Tensor[] = new Array(T);
    const dhSteps: tf.Tensor[] = new Array(T);
    const order = timeOrder(T, attrs.reverse);
    for (let s = T - 1; s >= 0; s--) {
      const step = order[s]!;
      const previous = s === 0 ? -1 : order[s - 1]!;
      const m = masks?.[step] ?? null;
      const hPrev = previous < 0 ? h0 : keepWhereMasked(masks?.[previous] ?? null, columnStep(ys, previous), h0);
      hPrevs[step] = hPrev;
      const g3 = columnStep(gates, step);
      const [r, z, n] = [block(g3, 0, H), block(g3, 1, H), block(g3, 2, H)];
      const dhT = dys ? tf.add(dh, m ? tf.mul(m, columnStep(dys, step)) : columnStep(dys, step)) : dh;
      const dnPre = tf.mul(tf.mul(dhT, tf.sub(1, z)), tf.sub(1, tf.mul(n, n)));
      const dzPre = tf.mul(tf.mul(dhT, tf.sub(hPrev, n)), tf.mul(z, tf.sub(1, z)));
      const drPre = tf.mul(tf.mul(dnPre, columnStep(hns, step)), tf.mul(r, tf.sub(1, r)));
      const dXp = tf.concat([drPre, dzPre, dnPre], 0);
      const dHp = tf.concat([drPre, dzPre, tf.mul(dnPre, r)], 0);
      dXps[step] = m ? tf.mul(m, dXp) : dXp;
      dHps[step] = m ? tf.mul(m, dHp) : dHp;
      if (attrs.record) dhSteps[step] = m ? tf.mul(m, dhT) : dhT;
      dh = keepWhereMasked(m, tf.add(tf.mul(dhT, z), tf.matMul(weightHhT, dHps[step]!)), dh);
    }
    if (T === 0) {
      return {
        dx: tf.zeros([B, 0, I]),
        dh0: tf.transpose(dh),
        dWeightIh: tf.zeros([3 * H, I]),
        dWeightHh: tf.zeros([3 * H, H]),
        dBiasIh: tf.zeros([3 * H]),
        dBiasHh: tf.zeros([3 * H]),
        dhSteps: attrs.record ? tf.zeros([B, 0, H]) : undefined,
      };
    }
    const { dx, dWeightIh, dBias } = inputGradients(dXps, t(inputs.x), t(inputs.weightIh));
    const hidden = allSteps(dHps);
    return {
      dx,
      dh0: tf.transpose(dh),
      dWeightIh,
      dWeightHh: tf.matMul(hidden, stepRows(hPrevs)),
      dBiasIh: dBias,
      dBiasHh: tf.sum(hidden, 1),
      dhSteps: attrs.record ? fromColumnSteps(dhSteps) : undefined,
    };
  });
  return outputs(result) as GruBackwardOutputs;
}
