import { type SequenceDims, sequenceDims } from '@lstm/backend-cpu';
import type { TensorInfo } from '@lstm/core';
import { type Context, type Frame, ptrOf } from './context.js';

export { sequenceDims };

/** Multiply-adds of one pass over the sequence: what decides whether threads are worth waking. */
export const sequenceWork = ({ B, T, I, H, GH }: SequenceDims): number => B * T * GH * (I + H);

/**
 * Phase 3 of a backward, once every batch row's dG is known: dW_ih, dW_hh and the bias gradients,
 * each thread taking a block of gate rows (with its own packing scratch).
 */
export function weightGradients(
  ctx: Context,
  frame: Frame,
  dims: SequenceDims,
  [dGx, dGh, x, hPrev]: number[],
  out: { dWeightIh: TensorInfo; dWeightHh: TensorInfo; dBiasIh: TensorInfo; dBiasHh: TensorInfo },
): void {
  const { B, T, I, H, GH } = dims;
  const rows = B * T;
  const packFloats = ctx.wasm.packedSize(Math.max(I, H), rows) + 16 * rows; // panels of X or H_prev, and sixteen rows of dGᵀ
  const pack = frame.scratch(packFloats * ctx.team.threads);
  const outs = [out.dWeightIh, out.dWeightHh, out.dBiasIh, out.dBiasHh].map(ptrOf);
  ctx.team.split('weightGradients', GH, 4, sequenceWork(dims), (g0, g1, thread) => [
    rows,
    I,
    H,
    GH,
    dGx!,
    dGh!,
    x!,
    hPrev!,
    ...outs,
    pack + thread * packFloats * 4,
    g0,
    g1,
  ]);
}
