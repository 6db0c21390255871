import type { LstmVariant } from '@lstm/core';
import { tf } from '../tf.js';

/**
 * One LSTM step's gate update from the pre-activations `pre` [B, G·H] (SPEC §1), as tfjs ops:
 *   i = σ(·)  f = σ(·)  g = tanh(·)  o = σ(·)      peephole: i, f see c_{t−1}; o sees c_t
 *   c_t = f ⊙ c_{t−1} + i ⊙ g                       coupled: i = 1 − f, packed f, g, o
 *   h_t = o ⊙ tanh(c_t)
 * Returns the post-activation gates packed as the contract stores them, c_t and h_t.
 */
export function lstmCell(pre: tf.Tensor, c: tf.Tensor, peephole: tf.Tensor[] | null, variant: LstmVariant) {
  if (variant === 'coupled') {
    const [fPre, gPre, oPre] = tf.split(pre, 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor];
    const f = tf.sigmoid(fPre);
    const g = tf.tanh(gPre);
    const cNew = tf.add(tf.mul(f, c), tf.mul(tf.sub(1, f), g));
    const o = tf.sigmoid(oPre);
    return { gates: tf.concat([f, g, o], 1), c: cNew, h: tf.mul(o, tf.tanh(cNew)) };
  }
  const [iPre, fPre, gPre, oPre] = tf.split(pre, 4, 1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
  const i = tf.sigmoid(peephole ? tf.add(iPre, tf.mul(peephole[0]!, c)) : iPre);
  const f = tf.sigmoid(peephole ? tf.add(fPre, tf.mul(peephole[1]!, c)) : fPre);
  const g = tf.tanh(gPre);
  const cNew = tf.add(tf.mul(f, c), tf.mul(i, g));
  const o = tf.sigmoid(peephole ? tf.add(oPre, tf.mul(peephole[2]!, cNew)) : oPre);
  return { gates: tf.concat([i, f, g, o], 1), c: cNew, h: tf.mul(o, tf.tanh(cNew)) };
}

/**
 * One step of the LSTM's backward from the stored gates (see core's reference for the
 * equations): the pre-activation gradients dG [B, G·H] and the gradient reaching c_{t−1}.
 * `dcT` (the total ∂L/∂c_t) is returned for recording. Peephole terms feed `dPeephole`.
 */
export function lstmCellBackward(
  dhT: tf.Tensor,
  dc: tf.Tensor,
  gates: tf.Tensor,
  cPrev: tf.Tensor,
  cT: tf.Tensor,
  peephole: tf.Tensor[] | null,
  variant: LstmVariant,
) {
  const sigmoidGrad = (a: tf.Tensor) => tf.mul(a, tf.sub(1, a));
  const tc = tf.tanh(cT);
  const coupled = variant === 'coupled';
  const parts = tf.split(gates, coupled ? 3 : 4, 1);
  const [f, g, o] = coupled ? (parts as [tf.Tensor, tf.Tensor, tf.Tensor]) : [parts[1]!, parts[2]!, parts[3]!];
  const i = coupled ? tf.sub(1, f) : parts[0]!;
  const dOpre = tf.mul(tf.mul(dhT, tc), sigmoidGrad(o));
  let dcT = tf.add(dc, tf.mul(tf.mul(dhT, o), tf.sub(1, tf.mul(tc, tc))));
  if (peephole) dcT = tf.add(dcT, tf.mul(dOpre, peephole[2]!));
  const dGpre = tf.mul(tf.mul(dcT, i), tf.sub(1, tf.mul(g, g)));
  let dcPrev = tf.mul(dcT, f);
  if (coupled) {
    const dFpre = tf.mul(tf.mul(dcT, tf.sub(cPrev, g)), sigmoidGrad(f));
    return { dG: tf.concat([dFpre, dGpre, dOpre], 1), dcPrev, dcT, peepholeTerms: null };
  }
  const dIpre = tf.mul(tf.mul(dcT, g), sigmoidGrad(i));
  const dFpre = tf.mul(tf.mul(dcT, cPrev), sigmoidGrad(f));
  let peepholeTerms: tf.Tensor[] | null = null;
  if (peephole) {
    dcPrev = tf.add(dcPrev, tf.add(tf.mul(dIpre, peephole[0]!), tf.mul(dFpre, peephole[1]!)));
    peepholeTerms = [tf.mul(dIpre, cPrev), tf.mul(dFpre, cPrev), tf.mul(dOpre, cT)];
  }
  return { dG: tf.concat([dIpre, dFpre, dGpre, dOpre], 1), dcPrev, dcT, peepholeTerms };
}
