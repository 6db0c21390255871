import type { AdamUpdateAttrs } from '../kernel-names.js';
import type { KernelInputs, KernelResult } from '../kernel-types.js';
import { add, div, mul, sqrt } from '../ops/elementwise.js';

/**
 * Adam's update from primitives, step for step as torch.optim.Adam computes it (single-tensor path):
 *   g ← g + λ p (L2)            or  p ← p (1 − lr λ) first (AdamW, `decoupled`)
 *   m ← β₁ m + (1 − β₁) g        v ← β₂ v + (1 − β₂) g²
 *   p ← p − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 */
export function adamUpdateReference(
  { param, grad, m: mPrev, v: vPrev }: KernelInputs<'AdamUpdate'>,
  { beta1, beta2, eps, lr, stepSize, correction2Sqrt, weightDecay, decoupled }: AdamUpdateAttrs,
): KernelResult<'AdamUpdate'> {
  let p = param;
  let g = grad;
  if (weightDecay !== 0) {
    if (decoupled) p = mul(p, 1 - lr * weightDecay);
    else g = add(g, mul(p, weightDecay));
  }
  const m = mPrev ? add(mul(mPrev, beta1), mul(g, 1 - beta1)) : mul(g, 1 - beta1);
  const v = vPrev ? add(mul(vPrev, beta2), mul(mul(g, g), 1 - beta2)) : mul(mul(g, g), 1 - beta2);
  const denominator = add(div(sqrt(v), correction2Sqrt), eps);
  return { param: add(p, mul(div(m, denominator), -stepSize)), m, v };
}
