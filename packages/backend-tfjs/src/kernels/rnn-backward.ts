import type { RnnAttrs, RnnBackwardInputs, RnnBackwardOutputs } from '@lstm/core';
import { t, tf } from '../tf.js';
import { BackwardWalk, fromColumnSteps, inputGradients, masked, outputs } from './recurrent-common.js';

/** RNN backward: dpre = dh_t ⊙ act'(h_t) (tanh' = 1 − h², relu' = [h > 0]); dh_{t−1} = W_hhᵀ · dpre. */
export function RnnBackward(inputs: RnnBackwardInputs, attrs: RnnAttrs): RnnBackwardOutputs {
  const [B, T, I] = inputs.x.shape as [number, number, number];
  const H = inputs.weightHh.shape[1]!;
  const result = tf.tidy(() => {
    const weightHhT = tf.transpose(t(inputs.weightHh));
    const walk = new BackwardWalk(inputs, attrs);
    const dPres: tf.Tensor[] = new Array(T);
    for (const { step, m, dhT } of walk.steps()) {
      const y = walk.y(step);
      const derivative = attrs.nonlinearity === 'relu' ? tf.cast(tf.greater(y, 0), 'float32') : tf.sub(1, tf.mul(y, y));
      dPres[step] = masked(m, tf.mul(dhT, derivative));
      walk.carry(m, tf.matMul(weightHhT, dPres[step]!));
    }
    if (T === 0) {
      return {
        dx: tf.zeros([B, 0, I]),
        dh0: tf.transpose(walk.dh),
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
      dh0: tf.transpose(walk.dh),
      dWeightIh,
      dWeightHh: walk.hiddenWeightGradient(dPres),
      dBiasIh: dBias,
      dBiasHh: tf.clone(dBias),
      dhSteps: attrs.record ? fromColumnSteps(walk.dhSteps) : undefined,
    };
  });
  return outputs(result) as RnnBackwardOutputs;
}
