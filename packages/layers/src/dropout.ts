import { ValueError, mul, tensor, type DType, type Rng, type Shape, type Tensor } from '@lstm/core';

/** Inverted-dropout mask: each entry is 0 with probability p, else 1 / (1 − p). */
export function dropoutMask(rng: Rng, shape: Shape, p: number, dtype: DType = 'float32'): Tensor {
  const size = shape.reduce((n, d) => n * d, 1);
  const keepScale = 1 / (1 - p);
  const values = new Float64Array(size);
  for (let i = 0; i < size; i++) values[i] = rng.next() < p ? 0 : keepScale;
  return tensor(values, shape, dtype);
}

/**
 * Dropout as a layer: `forward` returns the masked input and the mask; `backward` multiplies
 * the incoming gradient by the same mask. Identity when not training or p = 0.
 */
export class Dropout {
  constructor(
    readonly p: number,
    readonly rng: Rng,
  ) {
    if (!(p >= 0 && p < 1)) throw new ValueError(`Dropout: p must be in [0, 1), got ${p}`);
  }

  forward(x: Tensor, training: boolean): { output: Tensor; mask: Tensor | null } {
    if (!training || this.p === 0) return { output: x, mask: null };
    const mask = dropoutMask(this.rng, x.shape, this.p, x.dtype);
    return { output: mul(x, mask), mask };
  }

  backward(dOutput: Tensor, mask: Tensor | null): Tensor {
    return mask ? mul(dOutput, mask) : dOutput;
  }
}
