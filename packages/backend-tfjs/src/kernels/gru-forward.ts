import type { GruAttrs, GruForwardInputs, GruForwardOutputs } from '@lstm/core';
import { t, tf } from '../tf.js';
import { block, gateOf, tanhOf } from './lstm-cell.js';
import { columnMasks, columnStep, fromColumnSteps, keepWhereMasked, outputs, projectColumns, timeOrder } from './recurrent-common.js';

/**
 * GRU over the whole sequence in the column layout (PyTorch's formulation, gates r, z, n):
 *   r = σ(W_ir x + b_ir + W_hr h + b_hr)      z = σ(W_iz x + b_iz + W_hz h + b_hz)
 *   n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))      h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
 * The input projections of all steps in one matMul; per step one recurrent matMul and the gate
 * arithmetic on contiguous row blocks. Runs on every tfjs backend, WebGL included.
 */
export function GruForward(inputs: GruForwardInputs, attrs: GruAttrs): GruForwardOutputs {
  const [B, T] = inputs.x.shape as [number, number];
  const H = inputs.weightHh.shape[1]!;
  const tanh = tanhOf(tf.getBackend() === 'wasm');
  const sigmoid = gateOf(attrs.gateActivation);
  const result = tf.tidy(() => {
    const weightHh = t(inputs.weightHh);
    const biasHh = tf.reshape(t(inputs.biasHh), [3 * H, 1]);
    const projected = projectColumns(t(inputs.x), t(inputs.weightIh), t(inputs.biasIh));
    const masks = columnMasks(attrs.lengths, B, T);
    let h = tf.transpose(t(inputs.h0));
    const ys: tf.Tensor[] = new Array(T);
    const gateSteps: tf.Tensor[] = new Array(T);
    const hnSteps: tf.Tensor[] = new Array(T);
    for (const step of timeOrder(T, attrs.reverse)) {
      const xp = columnStep(projected, step);
      const hp = tf.add(tf.matMul(weightHh, h), biasHh);
      const r = sigmoid(tf.add(block(xp, 0, H), block(hp, 0, H)));
      const z = sigmoid(tf.add(block(xp, 1, H), block(hp, 1, H)));
      const hn = block(hp, 2, H);
      const n = tanh(tf.add(block(xp, 2, H), tf.mul(r, hn)));
      const hNew = tf.add(n, tf.mul(z, tf.sub(h, n)));
      const m = masks?.[step] ?? null;
      ys[step] = m ? tf.mul(m, hNew) : hNew;
      if (attrs.record) {
        const gates = tf.concat([r, z, n], 0);
        gateSteps[step] = m ? tf.mul(m, gates) : gates;
        hnSteps[step] = m ? tf.mul(m, hn) : hn;
      }
      h = keepWhereMasked(m, hNew, h);
    }
    const empty = (width: number) => tf.zeros([B, 0, width]);
    return {
      y: T > 0 ? fromColumnSteps(ys) : empty(H),
      h: tf.transpose(h),
      gates: attrs.record ? (T > 0 ? fromColumnSteps(gateSteps) : empty(3 * H)) : undefined,
      hn: attrs.record ? (T > 0 ? fromColumnSteps(hnSteps) : empty(H)) : undefined,
    };
  });
  return outputs(result) as GruForwardOutputs;
}
