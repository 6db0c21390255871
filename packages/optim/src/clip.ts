import { ValueError, add, div, fill, keep, maximum, mul, neg, sqrt, sum, tidy, zeros, type Tensor } from '@lstm/core';
import type { Trainable } from './trainable.js';

/**
 * Rescales all gradients together when their global L2 norm exceeds `maxNorm`, as
 * torch.nn.utils.clip_grad_norm_ does (coefficient maxNorm / (norm + 1e-6)). Returns the norm
 * before clipping, so it can be logged: one read (see `clipGradNormOnDevice` for none).
 */
export function clipGradNorm(parameters: readonly Trainable[], maxNorm: number): number {
  const norm = clipGradNormOnDevice(parameters, maxNorm);
  const value = norm.readSync()[0]!;
  norm.dispose();
  return value;
}

/**
 * `clipGradNorm` without reading the device: the norm, the coefficient min(1, maxNorm /
 * (norm + 1e-6)) and the rescaling all stay tensors, so a GPU never waits. Returns the norm
 * before clipping as a scalar tensor the caller owns. `maxNorm` may be Infinity (measure only).
 */
export function clipGradNormOnDevice(parameters: readonly Trainable[], maxNorm: number): Tensor {
  if (!(maxNorm > 0)) throw new ValueError(`clipGradNorm: maxNorm must be positive, got ${maxNorm}`);
  const withGrad = parameters.filter((p) => p.grad);
  if (withGrad.length === 0) return zeros([], parameters[0]?.value.dtype);
  const norm = keep(
    tidy(() => {
      let squares: Tensor | null = null;
      for (const p of withGrad) {
        const own = sum(mul(p.grad!, p.grad!));
        squares = squares ? add(squares, own) : own;
      }
      return sqrt(squares!);
    }),
  );
  if (maxNorm === Infinity) return norm;
  const coefficient = keep(tidy(() => neg(maximum(neg(div(fill([], maxNorm, norm.dtype), add(norm, 1e-6))), -1))));
  for (const p of withGrad) {
    const clipped = keep(tidy(() => mul(p.grad!, coefficient)));
    p.grad!.dispose();
    p.grad = clipped;
  }
  coefficient.dispose();
  return norm;
}

/** Clamps every gradient element to [−clipValue, clipValue] (torch.nn.utils.clip_grad_value_). */
export function clipGradValue(parameters: readonly Trainable[], clipValue: number): void {
  if (!(clipValue > 0)) throw new ValueError(`clipGradValue: clipValue must be positive, got ${clipValue}`);
  for (const p of parameters) {
    if (!p.grad) continue;
    const grad = p.grad;
    const clipped = keep(tidy(() => neg(maximum(neg(maximum(grad, -clipValue)), -clipValue))));
    grad.dispose();
    p.grad = clipped;
  }
}
