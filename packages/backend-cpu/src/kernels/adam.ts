import type { AdamUpdateAttrs, AdamUpdateInputs, AdamUpdateOutputs, FloatArray, TensorInfo } from '@lstm/core';
import { alloc } from './buffers.js';

/**
 * Adam's update for one parameter in one pass instead of the dozen primitive kernels (and their
 * arrays) of core's composition (reference/adam.ts). Each operation of the composition is done in
 * the same order and rounded as the primitive would store it (`Math.fround` for float32), so the
 * result has the composition's bits, not just its values to a tolerance.
 */
export function AdamUpdate({ param, grad, m, v }: AdamUpdateInputs, a: AdamUpdateAttrs): AdamUpdateOutputs {
  const P = param.handle as FloatArray;
  const G = grad.handle as FloatArray;
  const M = m ? (m.handle as FloatArray) : null;
  const V = v ? (v.handle as FloatArray) : null;
  const f32 = P instanceof Float32Array;
  // float32 storage rounds every intermediate; float64 keeps it. One loop per dtype, each with
  // its operations spelled out: a rounding function chosen at run time made the pass 5× slower.
  const k = (x: number) => (f32 ? Math.fround(x) : x);
  const c = {
    beta1: k(a.beta1),
    beta2: k(a.beta2),
    oneMinusBeta1: k(1 - a.beta1),
    oneMinusBeta2: k(1 - a.beta2),
    eps: k(a.eps),
    negStepSize: k(-a.stepSize),
    correction2Sqrt: k(a.correction2Sqrt),
    weightDecay: k(a.weightDecay),
    decayFactor: k(1 - a.lr * a.weightDecay),
    decay: a.weightDecay === 0 ? 0 : a.decoupled ? 2 : 1,
  };
  const n = P.length;
  const pOut = alloc(P, n);
  const mOut = alloc(P, n);
  const vOut = alloc(P, n);
  if (f32) adam32(P, G, M, V, pOut, mOut, vOut, c);
  else adam64(P, G, M, V, pOut, mOut, vOut, c);
  const like = (handle: FloatArray): TensorInfo => ({ handle, shape: param.shape, dtype: param.dtype });
  return { param: like(pOut), m: like(mOut), v: like(vOut) };
}

interface Constants {
  beta1: number;
  beta2: number;
  oneMinusBeta1: number;
  oneMinusBeta2: number;
  eps: number;
  negStepSize: number;
  correction2Sqrt: number;
  weightDecay: number;
  decayFactor: number;
  /** 0 none, 1 L2 (g += λ p), 2 decoupled (p ·= 1 − lr λ). */
  decay: number;
}

// biome-ignore format: the two loops are kept line for line alike
function adam32(P: FloatArray, G: FloatArray, M: FloatArray | null, V: FloatArray | null, pOut: FloatArray, mOut: FloatArray, vOut: FloatArray, c: Constants): void {
  const { beta1, beta2, oneMinusBeta1, oneMinusBeta2, eps, negStepSize, correction2Sqrt, weightDecay, decayFactor, decay } = c;
  const moments = M !== null && V !== null;
  const m0 = M ?? P;
  const v0 = V ?? P;
  for (let i = 0; i < P.length; i++) {
    let p = P[i]!;
    let g = G[i]!;
    if (decay === 2) p = Math.fround(p * decayFactor);
    else if (decay === 1) g = Math.fround(g + Math.fround(p * weightDecay));
    let m = Math.fround(g * oneMinusBeta1);
    let v = Math.fround(Math.fround(g * g) * oneMinusBeta2);
    if (moments) {
      m = Math.fround(Math.fround(m0[i]! * beta1) + m);
      v = Math.fround(Math.fround(v0[i]! * beta2) + v);
    }
    const denominator = Math.fround(Math.fround(Math.fround(Math.sqrt(v)) / correction2Sqrt) + eps);
    pOut[i] = Math.fround(p + Math.fround(Math.fround(m / denominator) * negStepSize));
    mOut[i] = m;
    vOut[i] = v;
  }
}

// biome-ignore format: the two loops are kept line for line alike
function adam64(P: FloatArray, G: FloatArray, M: FloatArray | null, V: FloatArray | null, pOut: FloatArray, mOut: FloatArray, vOut: FloatArray, c: Constants): void {
  const { beta1, beta2, oneMinusBeta1, oneMinusBeta2, eps, negStepSize, correction2Sqrt, weightDecay, decayFactor, decay } = c;
  const moments = M !== null && V !== null;
  const m0 = M ?? P;
  const v0 = V ?? P;
  for (let i = 0; i < P.length; i++) {
    let p = P[i]!;
    let g = G[i]!;
    if (decay === 2) p = p * decayFactor;
    else if (decay === 1) g = g + p * weightDecay;
    let m = g * oneMinusBeta1;
    let v = g * g * oneMinusBeta2;
    if (moments) {
      m = m0[i]! * beta1 + m;
      v = v0[i]! * beta2 + v;
    }
    const denominator = Math.sqrt(v) / correction2Sqrt + eps;
    pOut[i] = p + (m / denominator) * negStepSize;
    mOut[i] = m;
    vOut[i] = v;
  }
}
