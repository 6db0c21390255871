import type { MatMulAttrs, MatMulInputs, TensorInfo } from '@lstm/core';
import { out, t, tf } from '../tf.js';

export function MatMul({ a, b }: MatMulInputs, { transposeA, transposeB }: MatMulAttrs): TensorInfo {
  const [M, N] = [a.shape[transposeA ? 1 : 0]!, b.shape[transposeB ? 0 : 1]!];
  const K = a.shape[transposeA ? 0 : 1]!;
  // An empty inner dimension is a matrix of zeros; tfjs backends differ on it.
  if (K === 0 || M === 0 || N === 0) return out(tf.zeros([M, N]));
  return out(tf.tidy(() => tf.matMul(t(a), t(b), transposeA, transposeB)));
}
