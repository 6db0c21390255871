import type { Rng } from '@lstm/core';

/**
 * Initialisers (spec §3). Each returns fresh float64 values drawn from the given generator, in
 * row-major order, so a seed fixes every weight bit for bit.
 */

/** U(−bound, bound). PyTorch's default for recurrent and linear layers uses bound = 1/√fan. */
export function uniform(rng: Rng, size: number, bound: number): Float64Array {
  return Float64Array.from({ length: size }, () => rng.uniform(-bound, bound));
}

/** Glorot/Xavier uniform for a [fanOut, fanIn] matrix: bound = √(6 / (fanIn + fanOut)). */
export function xavierUniform(rng: Rng, fanOut: number, fanIn: number): Float64Array {
  return uniform(rng, fanOut * fanIn, Math.sqrt(6 / (fanIn + fanOut)));
}

/**
 * A random orthogonal [n, n] matrix: QR of a standard normal matrix (modified Gram–Schmidt),
 * with the signs fixed so the distribution is uniform (Haar), as torch.nn.init.orthogonal_ does.
 */
export function orthogonal(rng: Rng, n: number): Float64Array {
  const q = Float64Array.from({ length: n * n }, () => rng.normal());
  // Columns of q (stored row-major, column j = q[i*n + j]) are orthonormalised in turn.
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += q[i * n + j]! * q[i * n + k]!;
      for (let i = 0; i < n; i++) q[i * n + j]! -= dot * q[i * n + k]!;
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += q[i * n + j]! ** 2;
    norm = Math.sqrt(norm);
    // Gram–Schmidt's R has a positive diagonal, which is the sign convention that makes Q Haar.
    for (let i = 0; i < n; i++) q[i * n + j]! /= norm;
  }
  return q;
}
