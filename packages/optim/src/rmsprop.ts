import { ValueError, add, div, mul, sqrt, sub, type Tensor } from '@lstm/core';
import { Optimizer } from './optimizer.js';
import type { Trainable } from './trainable.js';

export interface RmsPropOptions {
  lr?: number;
  alpha?: number;
  eps?: number;
  momentum?: number;
  centered?: boolean;
  weightDecay?: number;
}

/**
 * RMSprop as torch.optim.RMSprop computes it:
 *   v ← α v + (1 − α) g²;  centered: a ← α a + (1 − α) g, d = √(v − a²) + ε, else d = √v + ε;
 *   momentum: b ← μ b + g / d, p ← p − lr b;  else p ← p − lr g / d
 */
export class RMSprop extends Optimizer {
  readonly alpha: number;
  readonly eps: number;
  readonly momentum: number;
  readonly centered: boolean;
  readonly weightDecay: number;

  constructor(parameters: readonly Trainable[], options: RmsPropOptions = {}) {
    super(parameters, options.lr ?? 1e-2, 'RMSprop');
    this.alpha = options.alpha ?? 0.99;
    this.eps = options.eps ?? 1e-8;
    this.momentum = options.momentum ?? 0;
    this.centered = options.centered ?? false;
    this.weightDecay = options.weightDecay ?? 0;
    if (!(this.alpha >= 0 && this.alpha <= 1)) throw new ValueError(`RMSprop: alpha must be in [0, 1], got ${this.alpha}`);
  }

  protected update(p: Tensor, g: Tensor, previous: Record<string, Tensor> | undefined) {
    if (this.weightDecay !== 0) g = add(g, mul(p, this.weightDecay));
    const a = this.alpha;
    const square = mul(mul(g, g), 1 - a);
    const v = previous ? add(mul(previous.square!, a), square) : square;
    const slots: Record<string, Tensor> = { square: v };
    let denominator: Tensor;
    if (this.centered) {
      const average = previous ? add(mul(previous.average!, a), mul(g, 1 - a)) : mul(g, 1 - a);
      slots.average = average;
      denominator = add(sqrt(sub(v, mul(average, average))), this.eps);
    } else {
      denominator = add(sqrt(v), this.eps);
    }
    if (this.momentum > 0) {
      const step = div(g, denominator);
      const buffer = previous ? add(mul(previous.momentum!, this.momentum), step) : step;
      slots.momentum = buffer;
      return { value: add(p, mul(buffer, -this.lr)), slots };
    }
    return { value: add(p, mul(div(g, denominator), -this.lr)), slots };
  }
}
