import { ValueError, add, mul, type Tensor } from '@lstm/core';
import { Optimizer } from './optimizer.js';
import type { Trainable } from './trainable.js';

export interface SgdOptions {
  lr?: number;
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  /** L2 penalty added to the gradient. */
  weightDecay?: number;
}

/**
 * Stochastic gradient descent as torch.optim.SGD computes it:
 *   g ← g + λ p;   b ← g (first step) or μ b + (1 − τ) g;   g ← g + μ b (Nesterov) or b;   p ← p − lr g
 */
export class SGD extends Optimizer {
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;

  constructor(parameters: readonly Trainable[], options: SgdOptions = {}) {
    super(parameters, options.lr ?? 1e-2, 'SGD');
    this.momentum = options.momentum ?? 0;
    this.dampening = options.dampening ?? 0;
    this.nesterov = options.nesterov ?? false;
    this.weightDecay = options.weightDecay ?? 0;
    if (!(this.momentum >= 0)) throw new ValueError(`SGD: momentum must be ≥ 0, got ${this.momentum}`);
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new ValueError('SGD: Nesterov momentum needs momentum > 0 and dampening 0');
    }
  }

  protected update(p: Tensor, g: Tensor, previous: Record<string, Tensor> | undefined) {
    if (this.weightDecay !== 0) g = add(g, mul(p, this.weightDecay));
    const slots: Record<string, Tensor> = {};
    if (this.momentum !== 0) {
      // First step: a copy of g (g itself belongs to the parameter and is freed by zeroGrad).
      const buffer = previous ? add(mul(previous.momentum!, this.momentum), mul(g, 1 - this.dampening)) : mul(g, 1);
      slots.momentum = buffer;
      g = this.nesterov ? add(g, mul(buffer, this.momentum)) : buffer;
    }
    return { value: add(p, mul(g, -this.lr)), slots };
  }
}
