import { ValueError, adamUpdate, type Tensor } from '@lstm/core';
import { Optimizer } from './optimizer.js';
import type { Trainable } from './trainable.js';

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  /** L2 penalty added to the gradient (Adam) — or decoupled decay when `decoupled` (AdamW). */
  weightDecay?: number;
  decoupled?: boolean;
}

/**
 * Adam (Kingma & Ba), step for step as torch.optim.Adam computes it (single-tensor path; one
 * fused `AdamUpdate` kernel per parameter where the backend has one):
 *   g ← g + λ p (L2)            or  p ← p (1 − lr λ) first (AdamW, `decoupled`)
 *   m ← β₁ m + (1 − β₁) g        v ← β₂ v + (1 − β₂) g²
 *   p ← p − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 */
export class Adam extends Optimizer {
  readonly betas: [number, number];
  readonly eps: number;
  readonly weightDecay: number;
  readonly decoupled: boolean;

  constructor(parameters: readonly Trainable[], options: AdamOptions = {}) {
    super(parameters, options.lr ?? 1e-3, options.decoupled ? 'AdamW' : 'Adam');
    this.betas = options.betas ?? [0.9, 0.999];
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0;
    this.decoupled = options.decoupled ?? false;
    if (!this.betas.every((b) => b >= 0 && b < 1)) throw new ValueError(`Adam: betas must be in [0, 1), got [${this.betas.join(', ')}]`);
  }

  protected update(p: Tensor, g: Tensor, previous: Record<string, Tensor> | undefined) {
    const [beta1, beta2] = this.betas;
    const { param, m, v } = adamUpdate(p, g, previous ? { m: previous.m!, v: previous.v! } : undefined, {
      beta1,
      beta2,
      eps: this.eps,
      lr: this.lr,
      stepSize: this.lr / (1 - beta1 ** this.stepCount),
      correction2Sqrt: Math.sqrt(1 - beta2 ** this.stepCount),
      weightDecay: this.weightDecay,
      decoupled: this.decoupled,
    });
    return { value: param, slots: { m, v } };
  }
}

/** AdamW (Loshchilov & Hutter): Adam with decoupled weight decay (default 0.01, as PyTorch). */
export class AdamW extends Adam {
  constructor(parameters: readonly Trainable[], options: Omit<AdamOptions, 'decoupled'> = {}) {
    super(parameters, { weightDecay: 0.01, ...options, decoupled: true });
  }
}
