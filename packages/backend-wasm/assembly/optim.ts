// Adam's update as one pass over a parameter: the float32 operations of core's composition
// (reference/adam.ts), in the same order, four lanes at a time. Every operation is IEEE
// correctly rounded in wasm, so the result has the same bits as the composition's.

import { ld, st } from './simd';

const L2 = 1;
const DECOUPLED = 2;

// @ts-ignore: decorator
@inline
function adamAt(
  at: usize, full: bool, decay: i32, moments: bool,
  param: usize, grad: usize, mIn: usize, vIn: usize, pOut: usize, mOut: usize, vOut: usize,
  beta1: f32, oneMinusBeta1: f32, beta2: f32, oneMinusBeta2: f32, eps: f32, negStepSize: f32, correction2Sqrt: f32,
  weightDecay: f32, decayFactor: f32,
): void {
  let p = ld(param + at, full);
  let g = ld(grad + at, full);
  if (decay == DECOUPLED) p = f32x4.mul(p, f32x4.splat(decayFactor));
  else if (decay == L2) g = f32x4.add(g, f32x4.mul(p, f32x4.splat(weightDecay)));
  let m = f32x4.mul(g, f32x4.splat(oneMinusBeta1));
  let v = f32x4.mul(f32x4.mul(g, g), f32x4.splat(oneMinusBeta2));
  if (moments) {
    m = f32x4.add(f32x4.mul(ld(mIn + at, full), f32x4.splat(beta1)), m);
    v = f32x4.add(f32x4.mul(ld(vIn + at, full), f32x4.splat(beta2)), v);
  }
  const denominator = f32x4.add(f32x4.div(f32x4.sqrt(v), f32x4.splat(correction2Sqrt)), f32x4.splat(eps));
  st(pOut + at, f32x4.add(p, f32x4.mul(f32x4.div(m, denominator), f32x4.splat(negStepSize))), full);
  st(mOut + at, m, full);
  st(vOut + at, v, full);
}

/** decay: 0 none, 1 L2 (g += λ p), 2 decoupled (p ·= 1 − lr λ = decayFactor). mIn, vIn: 0 on the first step. */
export function adamUpdate(
  n: i32, decay: i32,
  param: usize, grad: usize, mIn: usize, vIn: usize, pOut: usize, mOut: usize, vOut: usize,
  beta1: f32, oneMinusBeta1: f32, beta2: f32, oneMinusBeta2: f32, eps: f32, negStepSize: f32, correction2Sqrt: f32,
  weightDecay: f32, decayFactor: f32,
): void {
  const moments = mIn != 0;
  let i = 0;
  for (; i + 4 <= n; i += 4)
    adamAt(<usize>i << 2, true, decay, moments, param, grad, mIn, vIn, pOut, mOut, vOut, beta1, oneMinusBeta1, beta2, oneMinusBeta2, eps, negStepSize, correction2Sqrt, weightDecay, decayFactor);
  for (; i < n; i++)
    adamAt(<usize>i << 2, false, decay, moments, param, grad, mIn, vIn, pOut, mOut, vOut, beta1, oneMinusBeta1, beta2, oneMinusBeta2, eps, negStepSize, correction2Sqrt, weightDecay, decayFactor);
}
