import type { DType } from '../dtype.js';
import { tensor, zeros } from '../ops/create.js';
import type { GateActivation } from '../kernel-names.js';
import { add, mul, neg, relu, sigmoid } from '../ops/elementwise.js';
import { concat, reshape, slice } from '../ops/shape-ops.js';
import type { Tensor } from '../tensor.js';

/** Helpers shared by the reference compositions: time order, masks, per-step slices. */

/** Steps in processing order. */
export function timeOrder(T: number, reverse: boolean): number[] {
  return Array.from({ length: T }, (_, s) => (reverse ? T - 1 - s : s));
}

/** [B, 1] mask: 1 where step t is valid for the row, 0 where it is padding. */
export function stepMask(lengths: Int32Array | null, t: number, B: number, dtype: DType): Tensor {
  const values = Array.from({ length: B }, (_, b) => (lengths && t >= lengths[b]! ? 0 : 1));
  return tensor(values, [B, 1], dtype);
}

/** x[:, t, :] as [B, F]. */
export function stepOf(x: Tensor, t: number): Tensor {
  const [B, , F] = x.shape as [number, number, number];
  return reshape(slice(x, [0, t, 0], [B, 1, F]), [B, F]);
}

/** Gate block k of a packed [B, G·H] tensor. */
export function block(packed: Tensor, k: number, H: number): Tensor {
  return slice(packed, [0, k * H], [packed.shape[0]!, H]);
}

/** m ⊙ next + (1 − m) ⊙ previous: padded rows keep their previous value, valid rows take next exactly. */
export function keepWhereMasked(mask: Tensor, next: Tensor, previous: Tensor): Tensor {
  return add(mul(mask, next), mul(add(neg(mask), 1), previous));
}

/** Stacks per-step [B, F] tensors (indexed by t) into [B, T, F]. */
export function stackSteps(steps: readonly Tensor[]): Tensor {
  return concat(
    steps.map((step) => reshape(step, [step.shape[0]!, 1, step.shape[1]!])),
    1,
  );
}

export function zerosLike(x: Tensor): Tensor {
  return zeros(x.shape, x.dtype);
}

/** A gate's squashing: σ(x), or hardSigmoid(x) = clip(0.2·x + 0.5, 0, 1) = 1 − relu(1 − relu(0.2·x + 0.5)). */
export function gate(x: Tensor, activation: GateActivation = 'sigmoid'): Tensor {
  if (activation === 'sigmoid') return sigmoid(x);
  return add(neg(relu(add(neg(relu(add(mul(x, 0.2), 0.5))), 1))), 1);
}

/**
 * A gate's derivative from its value s: s(1 − s) for σ, 0.2 inside (0, 1) and 0 where hardSigmoid
 * clipped. The indicator of 0 < s < 1 is computed on the device, exactly, with no infinity on the
 * way (WebGL's arithmetic does not keep them): u = s(1 − s) is 0 at the clipped values and at least
 * the smallest subnormal inside; v ← min(v · 2^120, 1), as 1 − relu(1 − v · 2^120), reaches exactly
 * 1 from any such u in 2 steps for float32 (2^−149) and 9 for float64 (2^−1074), while 0 stays 0.
 */
export function gateGrad(s: Tensor, activation: GateActivation = 'sigmoid'): Tensor {
  const u = mul(s, add(neg(s), 1));
  if (activation === 'sigmoid') return u;
  let indicator = u;
  for (let k = 0; k < (s.dtype === 'float64' ? 9 : 2); k++) indicator = add(neg(relu(add(neg(mul(indicator, 2 ** 120)), 1))), 1);
  return mul(indicator, 0.2);
}
