import { ValueError, add, div, keep, mul, sqrt, tidy, type Tensor } from '@lstm/core';
import type { Trainable } from './trainable.js';

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  /** L2 penalty added to the gradient (Adam) — or decoupled decay when `decoupled` (AdamW). */
  weightDecay?: number;
  decoupled?: boolean;
}

interface Moments {
  m: Tensor;
  v: Tensor;
}

/**
 * Adam (Kingma & Ba), step for step as torch.optim.Adam computes it (single-tensor path):
 *   g ← g + λ p (L2)            or  p ← p (1 − lr λ) first (AdamW, `decoupled`)
 *   m ← β₁ m + (1 − β₁) g        v ← β₂ v + (1 − β₂) g²
 *   p ← p − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 */
export class Adam {
  lr: number;
  readonly betas: [number, number];
  readonly eps: number;
  readonly weightDecay: number;
  readonly decoupled: boolean;
  private stepCount = 0;
  private readonly moments = new Map<Trainable, Moments>();

  constructor(readonly parameters: readonly Trainable[], options: AdamOptions = {}) {
    this.lr = options.lr ?? 1e-3;
    this.betas = options.betas ?? [0.9, 0.999];
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0;
    this.decoupled = options.decoupled ?? false;
    if (!(this.lr > 0)) throw new ValueError(`Adam: lr must be positive, got ${this.lr}`);
    if (!this.betas.every((b) => b >= 0 && b < 1)) throw new ValueError(`Adam: betas must be in [0, 1), got [${this.betas.join(', ')}]`);
  }

  /** Applies one update to every parameter that has a gradient. */
  step(): void {
    this.stepCount++;
    const [beta1, beta2] = this.betas;
    const stepSize = this.lr / (1 - beta1 ** this.stepCount);
    const correction2Sqrt = Math.sqrt(1 - beta2 ** this.stepCount);
    for (const parameter of this.parameters) {
      const grad = parameter.grad;
      if (!grad) continue;
      tidy(() => {
        let p = parameter.value;
        let g = grad;
        if (this.weightDecay !== 0) {
          if (this.decoupled) p = mul(p, 1 - this.lr * this.weightDecay);
          else g = add(g, mul(p, this.weightDecay));
        }
        const previous = this.moments.get(parameter);
        const m = previous ? add(mul(previous.m, beta1), mul(g, 1 - beta1)) : mul(g, 1 - beta1);
        const v = previous ? add(mul(previous.v, beta2), mul(mul(g, g), 1 - beta2)) : mul(mul(g, g), 1 - beta2);
        const denominator = add(div(sqrt(v), correction2Sqrt), this.eps);
        parameter.assign(add(p, mul(div(m, denominator), -stepSize)));
        previous?.m.dispose();
        previous?.v.dispose();
        this.moments.set(parameter, { m: keep(m), v: keep(v) });
      });
    }
  }

  /** Clears every parameter's gradient. */
  zeroGrad(): void {
    for (const parameter of this.parameters) {
      parameter.grad?.dispose();
      parameter.grad = null;
    }
  }

  dispose(): void {
    for (const { m, v } of this.moments.values()) {
      m.dispose();
      v.dispose();
    }
    this.moments.clear();
  }
}
