import { ValueError, keep, maximum, mul, neg, sum, tidy } from '@lstm/core';
import type { Trainable } from './trainable.js';

/**
 * Rescales all gradients together when their global L2 norm exceeds `maxNorm`, as
 * torch.nn.utils.clip_grad_norm_ does (coefficient maxNorm / (norm + 1e-6)). Returns the norm
 * before clipping, so it can be logged.
 */
export function clipGradNorm(parameters: readonly Trainable[], maxNorm: number): number {
  if (!(maxNorm > 0)) throw new ValueError(`clipGradNorm: maxNorm must be positive, got ${maxNorm}`);
  let squares = 0;
  for (const p of parameters) {
    if (!p.grad) continue;
    const grad = p.grad;
    squares += tidy(() => sum(mul(grad, grad)).readSync()[0]!);
  }
  const norm = Math.sqrt(squares);
  const coefficient = maxNorm / (norm + 1e-6);
  if (coefficient < 1) {
    for (const p of parameters) {
      if (!p.grad) continue;
      const clipped = keep(tidy(() => mul(p.grad!, coefficient)));
      p.grad.dispose();
      p.grad = clipped;
    }
  }
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
