import type { TensorInfo } from '@lstm/core';
import type { Context } from './context.js';

export interface SequenceDims {
  B: number;
  T: number;
  I: number;
  H: number;
  /** Rows of the packed weights: gates · H. */
  GH: number;
}

export function sequenceDims(x: TensorInfo, weightHh: TensorInfo): SequenceDims {
  const [B, T, I] = x.shape as [number, number, number];
  const [GH, H] = weightHh.shape as [number, number];
  return { B, T, I, H, GH };
}

/** Packing scratch for a backward: the largest of its products (dh per step, dX, dW_ih, dW_hh). */
export function backwardPack({ wasm }: Context, { B, T, I, H, GH }: SequenceDims): number {
  const rows = B * T;
  return Math.max(wasm.packedSize(H, GH), wasm.packedSize(I, GH), wasm.packedSize(I, rows), wasm.packedSize(H, rows));
}
