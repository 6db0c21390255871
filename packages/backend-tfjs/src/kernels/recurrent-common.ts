import type { TensorInfo } from '@lstm/core';
import { t, tf } from '../tf.js';

/** Steps in processing order. */
export function timeOrder(T: number, reverse: boolean): number[] {
  return Array.from({ length: T }, (_, s) => (reverse ? T - 1 - s : s));
}

/** Per-step [B, 1] masks (1 = valid step), or null when every row has all T steps. */
export function stepMasks(lengths: Int32Array | null, B: number, T: number): tf.Tensor[] | null {
  if (!lengths || lengths.every((length) => length >= T)) return null;
  return Array.from({ length: T }, (_, t) =>
    tf.tensor2d(
      Array.from(lengths, (length) => (t < length ? 1 : 0)),
      [B, 1],
    ),
  );
}

/** m ⊙ next + (1 − m) ⊙ previous: padded rows keep their previous value. */
export function keepWhereMasked(mask: tf.Tensor | null, next: tf.Tensor, previous: tf.Tensor): tf.Tensor {
  return mask ? tf.add(tf.mul(mask, next), tf.mul(tf.sub(1, mask), previous)) : next;
}

/** [B, T, F] → the T time slices [B, F] (one transpose, one unstack). */
export function timeSlices(x: tf.Tensor): tf.Tensor[] {
  return tf.unstack(tf.transpose(x, [1, 0, 2]));
}

/** T slices [B, F] (indexed by t) → [B, T, F]. */
export function fromTimeSlices(slices: tf.Tensor[]): tf.Tensor {
  return tf.transpose(tf.stack(slices), [1, 0, 2]);
}

/** Output record of a fused kernel: drops absent outputs, wraps the rest as TensorInfos. */
export function outputs<K extends string>(tensors: Record<K, tf.Tensor | undefined>): Record<K, TensorInfo> {
  const result: Record<string, TensorInfo> = {};
  for (const [key, tensor] of Object.entries(tensors) as [K, tf.Tensor | undefined][]) {
    if (tensor) result[key] = { handle: tensor, shape: tensor.shape, dtype: 'float32' };
  }
  return result as Record<K, TensorInfo>;
}

// ─── The column layout of the wasm and cpu kernels: per-step tensors are [features, B] ───────

/** Per-step [1, B] masks (1 = valid step), or null when every row has all T steps. */
export function columnMasks(lengths: Int32Array | null, B: number, T: number): tf.Tensor[] | null {
  if (!lengths || lengths.every((length) => length >= T)) return null;
  return Array.from({ length: T }, (_, t) =>
    tf.tensor2d(
      Array.from(lengths, (length) => (t < length ? 1 : 0)),
      [1, B],
    ),
  );
}

/** [B, T, F] → [T, F, B]: step t is then a contiguous [F, B] block (`columnStep`). */
export function toColumnSteps(x: tf.Tensor): tf.Tensor {
  return tf.transpose(x, [1, 2, 0]);
}

/** Step t of a [T, F, B] tensor as [F, B]: a contiguous slice. */
export function columnStep(steps: tf.Tensor, t: number): tf.Tensor {
  const [, F, B] = steps.shape as [number, number, number];
  return tf.reshape(tf.slice(steps, [t, 0, 0], [1, F, B]), [F, B]);
}

/** T per-step [F, B] tensors (indexed by t) → [B, T, F]. */
export function fromColumnSteps(steps: tf.Tensor[]): tf.Tensor {
  return tf.transpose(tf.stack(steps), [2, 0, 1]);
}

/** Every step's input projection W·x_t + bias in one product: [T, G·H, B]. */
export function projectColumns(x: tf.Tensor, weightIh: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  const [B, T, I] = x.shape as [number, number, number];
  const rows = weightIh.shape[0]!;
  const xFlat = tf.reshape(tf.transpose(x, [2, 1, 0]), [I, T * B]);
  const projected = tf.add(tf.matMul(weightIh, xFlat), tf.reshape(bias, [rows, 1]));
  return tf.transpose(tf.reshape(projected, [rows, T, B]), [1, 0, 2]);
}

/** Per-step [R, B] tensors (indexed by t) as one [R, T·B] matrix, columns t-major. */
export function allSteps(steps: tf.Tensor[]): tf.Tensor {
  const [R, B] = steps[0]!.shape as [number, number];
  return tf.reshape(tf.transpose(tf.stack(steps), [1, 0, 2]), [R, steps.length * B]);
}

/** Per-step [F, B] tensors (indexed by t) as [T·B, F] rows, t-major (a weight gradient's right operand). */
export function stepRows(steps: tf.Tensor[]): tf.Tensor {
  const [F, B] = steps[0]!.shape as [number, number];
  return tf.reshape(tf.transpose(tf.stack(steps), [0, 2, 1]), [steps.length * B, F]);
}

/**
 * The input side of a backward, all steps at once: from the pre-activation gradients of the
 * input projection (per step [R, B]), ∂L/∂x [B, T, I], ∂L/∂W_ih and the input bias's gradient.
 */
export function inputGradients(dProjection: tf.Tensor[], x: tf.Tensor, weightIh: tf.Tensor) {
  const [B, T, I] = x.shape as [number, number, number];
  const all = allSteps(dProjection);
  const xRows = tf.reshape(tf.transpose(x, [1, 0, 2]), [T * B, I]);
  const dxRows = tf.matMul(tf.transpose(all), weightIh);
  return {
    dx: tf.transpose(tf.reshape(dxRows, [T, B, I]), [1, 0, 2]),
    dWeightIh: tf.matMul(all, xRows),
    dBias: tf.sum(all, 1),
  };
}

/** One step of a `BackwardWalk`: its mask, h_{t−1} and the total ∂L/∂h_t. */
export interface BackwardStep {
  step: number;
  /** The step processed before this one, or −1 for the first. */
  previous: number;
  /** [1, B] mask of the step, or null when no row is padded. */
  m: tf.Tensor | null;
  /** h_{t−1} [H, B]: the previous step's output where it was valid, else the initial state. */
  hPrev: tf.Tensor;
  /** The total ∂L/∂h_t [H, B]: what flows back from later steps plus the step's own dy. */
  dhT: tf.Tensor;
}

/**
 * The walk every column-layout backward makes: the steps in reverse processing order, each with
 * its mask, h_{t−1} and total ∂L/∂h_t; `carry` passes ∂L/∂h_{t−1} on (padded rows keep theirs).
 * It keeps what the kernels' outputs need: every h_{t−1} (for ∂L/∂W_hh) and, with `record`,
 * every ∂L/∂h_t.
 */
export class BackwardWalk {
  readonly h0: tf.Tensor;
  readonly masks: tf.Tensor[] | null;
  readonly hPrevs: tf.Tensor[];
  readonly dhSteps: tf.Tensor[];
  dh: tf.Tensor;
  readonly #ys: tf.Tensor;
  readonly #dys: tf.Tensor | null;
  readonly #order: number[];

  constructor(
    inputs: { h0: TensorInfo; y: TensorInfo; dy?: TensorInfo; dh?: TensorInfo },
    readonly attrs: { reverse: boolean; lengths: Int32Array | null; record: boolean },
  ) {
    const [B, T] = inputs.y.shape as [number, number];
    this.h0 = tf.transpose(t(inputs.h0));
    this.#ys = toColumnSteps(t(inputs.y));
    this.#dys = inputs.dy ? toColumnSteps(t(inputs.dy)) : null;
    this.masks = columnMasks(attrs.lengths, B, T);
    this.dh = inputs.dh ? tf.transpose(t(inputs.dh)) : tf.zerosLike(this.h0);
    this.#order = timeOrder(T, attrs.reverse);
    this.hPrevs = new Array(T);
    this.dhSteps = new Array(T);
  }

  *steps(): Generator<BackwardStep> {
    const order = this.#order;
    for (let s = order.length - 1; s >= 0; s--) {
      const step = order[s]!;
      const previous = s === 0 ? -1 : order[s - 1]!;
      const m = this.masks?.[step] ?? null;
      const hPrev = previous < 0 ? this.h0 : keepWhereMasked(this.masks?.[previous] ?? null, columnStep(this.#ys, previous), this.h0);
      this.hPrevs[step] = hPrev;
      const dy = this.#dys ? columnStep(this.#dys, step) : null;
      const dhT = dy ? tf.add(this.dh, m ? tf.mul(m, dy) : dy) : this.dh;
      if (this.attrs.record) this.dhSteps[step] = m ? tf.mul(m, dhT) : dhT;
      yield { step, previous, m, hPrev, dhT };
    }
  }

  /** Step t's output y_t [H, B] (the derivative of an RNN's activation reads it). */
  y(step: number): tf.Tensor {
    return columnStep(this.#ys, step);
  }

  /** ∂L/∂h_{t−1} for the next step back: `next` on valid rows, the carried value on padded ones. */
  carry(m: tf.Tensor | null, next: tf.Tensor): void {
    this.dh = keepWhereMasked(m, next, this.dh);
  }

  /** ∂L/∂W_hh from the hidden side's pre-activation gradients of all steps. */
  hiddenWeightGradient(dHidden: tf.Tensor[]): tf.Tensor {
    return tf.matMul(allSteps(dHidden), stepRows(this.hPrevs));
  }
}

/** x ⊙ m, or x where no row is padded. */
export function masked(m: tf.Tensor | null, x: tf.Tensor): tf.Tensor {
  return m ? tf.mul(m, x) : x;
}
