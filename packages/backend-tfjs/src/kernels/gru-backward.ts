import type { GruAttrs, GruBackwardInputs, GruBackwardOutputs } from '@lstm/core';
import { t, tf } from '../tf.js';
import { block, gateGradOf } from './lstm-cell.js';
import { BackwardWalk, allSteps, columnStep, fromColumnSteps, inputGradients, masked, outputs, toColumnSteps } from './recurrent-common.js';

/**
 * GRU backward in the column layout. With dh_t the total gradient at h_t:
 *   dn' = dh_t ⊙ (1 − z) ⊙ (1 − n²)   dz' = dh_t ⊙ (h_{t−1} − n) ⊙ z(1 − z)   dr' = dn' ⊙ hn ⊙ r(1 − r)
 *   input side [dr', dz', dn'];  hidden side [dr', dz', dn' ⊙ r];  dh_{t−1} = dh_t ⊙ z + W_hhᵀ · hidden side
 * Weight and input gradients of all steps at the end, in three matMuls.
 */
export function GruBackward(inputs: GruBackwardInputs, attrs: GruAttrs): GruBackwardOutputs {
  const [B, T, I] = inputs.x.shape as [number, number, number];
  const H = inputs.weightHh.shape[1]!;
  const sigmoidGrad = gateGradOf(attrs.gateActivation);
  const result = tf.tidy(() => {
    const weightHhT = tf.transpose(t(inputs.weightHh));
    const gates = toColumnSteps(t(inputs.gates));
    const hns = toColumnSteps(t(inputs.hn));
    const walk = new BackwardWalk(inputs, attrs);
    const dXps: tf.Tensor[] = new Array(T);
    const dHps: tf.Tensor[] = new Array(T);
    for (const { step, m, hPrev, dhT } of walk.steps()) {
      const g3 = columnStep(gates, step);
      const [r, z, n] = [block(g3, 0, H), block(g3, 1, H), block(g3, 2, H)];
      const dnPre = tf.mul(tf.mul(dhT, tf.sub(1, z)), tf.sub(1, tf.mul(n, n)));
      const dzPre = tf.mul(tf.mul(dhT, tf.sub(hPrev, n)), sigmoidGrad(z));
      const drPre = tf.mul(tf.mul(dnPre, columnStep(hns, step)), sigmoidGrad(r));
      dXps[step] = masked(m, tf.concat([drPre, dzPre, dnPre], 0));
      dHps[step] = masked(m, tf.concat([drPre, dzPre, tf.mul(dnPre, r)], 0));
      walk.carry(m, tf.add(tf.mul(dhT, z), tf.matMul(weightHhT, dHps[step]!)));
    }
    if (T === 0) {
      return {
        dx: tf.zeros([B, 0, I]),
        dh0: tf.transpose(walk.dh),
        dWeightIh: tf.zeros([3 * H, I]),
        dWeightHh: tf.zeros([3 * H, H]),
        dBiasIh: tf.zeros([3 * H]),
        dBiasHh: tf.zeros([3 * H]),
        dhSteps: attrs.record ? tf.zeros([B, 0, H]) : undefined,
      };
    }
    const { dx, dWeightIh, dBias } = inputGradients(dXps, t(inputs.x), t(inputs.weightIh));
    return {
      dx,
      dh0: tf.transpose(walk.dh),
      dWeightIh,
      dWeightHh: walk.hiddenWeightGradient(dHps),
      dBiasIh: dBias,
      dBiasHh: tf.sum(allSteps(dHps), 1),
      dhSteps: attrs.record ? fromColumnSteps(walk.dhSteps) : undefined,
    };
  });
  return outputs(result) as GruBackwardOutputs;
}
