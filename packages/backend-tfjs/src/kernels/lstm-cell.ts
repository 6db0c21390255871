import type { GateActivation, LstmVariant } from '@lstm/core';
import { tf } from '../tf.js';

// The LSTM's per-step element-wise work as tfjs ops, in the column layout the wasm and cpu
// kernels use: every per-step tensor is [features, B], so a gate block is a run of whole rows —
// a contiguous slice that tfjs takes without a copy — and the recurrent product W·h needs no
// transposed operand (tfjs-wasm's matMul is ~10× slower with one).

/** Rows [k·H, (k+1)·H) of a packed [G·H, B] tensor. */
export function block(packed: tf.Tensor, k: number, H: number): tf.Tensor {
  return tf.slice(packed, [k * H, 0], [H, packed.shape[1]!]);
}

/**
 * tanh as 2σ(2x) − 1 where tfjs's own tanh is slow (wasm: 4× a sigmoid); the same function,
 * with an absolute error near float32's unit round-off.
 */
export function tanhOf(fast: boolean) {
  return fast ? (x: tf.Tensor) => tf.sub(tf.mul(tf.sigmoid(tf.mul(x, 2)), 2), 1) : tf.tanh;
}

/** A gate's squashing: σ, or hardSigmoid = clip(0.2·x + 0.5, 0, 1). */
export function gateOf(activation: GateActivation | undefined): (x: tf.Tensor) => tf.Tensor {
  return activation === 'hardSigmoid' ? (x) => tf.clipByValue(tf.add(tf.mul(x, 0.2), 0.5), 0, 1) : (x) => tf.sigmoid(x);
}

/** A gate's derivative from its value s: s(1 − s) for σ; 0.2 inside (0, 1), 0 where hardSigmoid clipped. */
export function gateGradOf(activation: GateActivation | undefined): (s: tf.Tensor) => tf.Tensor {
  return activation === 'hardSigmoid'
    ? (s) => tf.mul(tf.cast(tf.logicalAnd(tf.greater(s, 0), tf.less(s, 1)), s.dtype), 0.2)
    : (s) => tf.mul(s, tf.sub(1, s));
}

/**
 * One step's gate update from the pre-activations `pre` [G·H, B] (spec §2):
 *   i = σ(·)  f = σ(·)  g = tanh(·)  o = σ(·)      peephole: i, f see c_{t−1}; o sees c_t
 *   c_t = f ⊙ c_{t−1} + i ⊙ g                       coupled: i = 1 − f, packed f, g, o
 *   h_t = o ⊙ tanh(c_t)
 * Peephole vectors come as [H, 1] columns. Returns the gates packed as the contract stores them.
 */
export function lstmCellColumns(
  pre: tf.Tensor,
  c: tf.Tensor,
  peephole: tf.Tensor[] | null,
  variant: LstmVariant,
  tanh: (x: tf.Tensor) => tf.Tensor,
  sigmoid: (x: tf.Tensor) => tf.Tensor,
) {
  const H = c.shape[0]!;
  if (variant === 'coupled') {
    const f = sigmoid(block(pre, 0, H));
    const g = tanh(block(pre, 1, H));
    const cNew = tf.add(tf.mul(f, c), tf.mul(tf.sub(1, f), g));
    const o = sigmoid(block(pre, 2, H));
    return { gates: [f, g, o], c: cNew, h: tf.mul(o, tanh(cNew)) };
  }
  const i = sigmoid(peephole ? tf.add(block(pre, 0, H), tf.mul(peephole[0]!, c)) : block(pre, 0, H));
  const f = sigmoid(peephole ? tf.add(block(pre, 1, H), tf.mul(peephole[1]!, c)) : block(pre, 1, H));
  const g = tanh(block(pre, 2, H));
  const cNew = tf.add(tf.mul(f, c), tf.mul(i, g));
  const o = sigmoid(peephole ? tf.add(block(pre, 3, H), tf.mul(peephole[2]!, cNew)) : block(pre, 3, H));
  return { gates: [i, f, g, o], c: cNew, h: tf.mul(o, tanh(cNew)) };
}

/**
 * One step of the backward from the stored gates [G·H, B] (equations as in core's reference):
 * the pre-activation gradients dG [G·H, B], ∂L/∂c_{t−1}, the total ∂L/∂c_t (for recording) and
 * the peephole terms, all in the column layout.
 */
export function lstmCellBackwardColumns(
  dhT: tf.Tensor,
  dc: tf.Tensor,
  gates: tf.Tensor,
  cPrev: tf.Tensor,
  cT: tf.Tensor,
  peephole: tf.Tensor[] | null,
  variant: LstmVariant,
  tanh: (x: tf.Tensor) => tf.Tensor,
  sigmoidGrad: (s: tf.Tensor) => tf.Tensor,
) {
  const H = cT.shape[0]!;
  const tc = tanh(cT);
  const coupled = variant === 'coupled';
  const f = block(gates, coupled ? 0 : 1, H);
  const g = block(gates, coupled ? 1 : 2, H);
  const o = block(gates, coupled ? 2 : 3, H);
  const i = coupled ? tf.sub(1, f) : block(gates, 0, H);
  const dOpre = tf.mul(tf.mul(dhT, tc), sigmoidGrad(o));
  let dcT = tf.add(dc, tf.mul(tf.mul(dhT, o), tf.sub(1, tf.mul(tc, tc))));
  if (peephole) dcT = tf.add(dcT, tf.mul(dOpre, peephole[2]!));
  const dGpre = tf.mul(tf.mul(dcT, i), tf.sub(1, tf.mul(g, g)));
  let dcPrev = tf.mul(dcT, f);
  if (coupled) {
    const dFpre = tf.mul(tf.mul(dcT, tf.sub(cPrev, g)), sigmoidGrad(f));
    return { dG: [dFpre, dGpre, dOpre], dcPrev, dcT, peepholeTerms: null };
  }
  const dIpre = tf.mul(tf.mul(dcT, g), sigmoidGrad(i));
  const dFpre = tf.mul(tf.mul(dcT, cPrev), sigmoidGrad(f));
  let peepholeTerms: tf.Tensor[] | null = null;
  if (peephole) {
    dcPrev = tf.add(dcPrev, tf.add(tf.mul(dIpre, peephole[0]!), tf.mul(dFpre, peephole[1]!)));
    peepholeTerms = [tf.mul(dIpre, cPrev), tf.mul(dFpre, cPrev), tf.mul(dOpre, cT)];
  }
  return { dG: [dIpre, dFpre, dGpre, dOpre], dcPrev, dcT, peepholeTerms };
}
