import { tensor, tidy, zeros, type Tensor } from '@lstm/core';
import { zeroGrad } from './parameter.js';
import type { RecurrentLayer } from './recurrent.js';

/**
 * How far a gradient travels back in time (article A3, spec E2c–d): the loss is L = Σ h_T, the sum
 * of the last layer's final hidden state, and for every step t this reports ‖∂L/∂x_t‖ (the
 * gradient reaching the input at t) and, for LSTMs, ‖∂L/∂c_t‖ of the first layer (the cell
 * state, the "constant error carousel"). Parameters' gradients are cleared afterwards.
 */
export interface GradientFlow {
  /** ‖∂L/∂x_t‖ for t = 1 … T (Euclidean norm over the batch and the input features). */
  dx: number[];
  /** ‖∂L/∂h_t‖ of the first layer, t = 1 … T. */
  dh: number[];
  /** ‖∂L/∂c_t‖ of the first layer (LSTM only). */
  dc?: number[];
}

export function gradientFlow(layer: RecurrentLayer, x: Tensor): GradientFlow {
  const flow = tidy(() => {
    const { state, cache } = layer.forward(x, { training: true });
    const [stacks, B, H] = state.h.shape as [number, number, number];
    // ∂L/∂h_final is 1 for the last layer's forward direction, 0 elsewhere (L = Σ h_T).
    const dh = new Float64Array(stacks * B * H);
    const last = (layer.numLayers - 1) * layer.numDirections;
    dh.fill(1, last * B * H, (last + 1) * B * H);
    const dState = { h: tensor(dh, [stacks, B, H], layer.dtype), c: state.c ? zeros(state.c.shape, layer.dtype) : undefined };
    const { steps, dx } = layer.backward(cache, { dState, record: true });
    const first = steps?.find((s) => s.layer === 0 && s.direction === 'forward');
    if (!first) throw new Error('gradientFlow: the backward pass recorded no steps of the first layer');
    return {
      dx: stepNorms(dx.toArray(), dx.shape as Dims),
      dh: stepNorms(first.dh.toArray(), first.dh.shape as Dims),
      dc: first.dc ? stepNorms(first.dc.toArray(), first.dc.shape as Dims) : undefined,
    };
  });
  zeroGrad(layer);
  return flow;
}

/** ‖v_t‖ over batch and features of a [B, T, F] array, for each t. */
type Dims = [batch: number, time: number, features: number];

function stepNorms(values: readonly number[], [B, T, F]: Dims): number[] {
  return Array.from({ length: T }, (_, t) => {
    let sum = 0;
    for (let b = 0; b < B; b++) for (let f = 0; f < F; f++) sum += (values[(b * T + t) * F + f] ?? 0) ** 2;
    return Math.sqrt(sum);
  });
}

/**
 * How well a gradient is preserved across steps (article A3's metrics), from per-step norms
 * g_1 … g_T: `first_to_last_ratio` = g_1 / g_T; `coefficient_of_variation` = std / mean;
 * `effective_range` = the number of steps with g_t above 10% of the largest.
 */
export function preservationMetrics(norms: readonly number[]): {
  first_to_last_ratio: number;
  coefficient_of_variation: number;
  effective_range: number;
} {
  const mean = norms.reduce((a, b) => a + b, 0) / norms.length;
  const variance = norms.reduce((a, b) => a + (b - mean) ** 2, 0) / norms.length;
  const max = Math.max(...norms);
  return {
    first_to_last_ratio: (norms[0] ?? Number.NaN) / (norms.at(-1) ?? Number.NaN),
    coefficient_of_variation: Math.sqrt(variance) / mean,
    effective_range: norms.filter((g) => g > 0.1 * max).length,
  };
}
