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

/** Packing scratch for a backward's weight gradients dW_ih = dGᵀ · X and dW_hh = dGᵀ · H_prev. */
export function backwardPack({ wasm }: Context, { B, T, I, H }: SequenceDims): number {
  return Math.max(wasm.packedSize(I, B * T), wasm.packedSize(H, B * T));
}
