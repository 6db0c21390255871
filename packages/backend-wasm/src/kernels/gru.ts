import type { GruAttrs, GruBackwardInputs, GruBackwardOutputs, GruForwardInputs, GruForwardOutputs } from '@lstm/core';
import { type Context, optionalPtr, ptrOf, withFrame } from './context.js';
import { backwardPack, sequenceDims } from './sequence.js';

/** Fused GRU forward: one wasm call per layer and direction (assembly/gru.ts). */
export function gruForwardKernel(ctx: Context) {
  return (inputs: GruForwardInputs, { reverse, lengths, record }: GruAttrs): GruForwardOutputs =>
    withFrame(ctx, inputs.x.dtype, (frame) => {
      const { B, T, I, H, GH } = sequenceDims(inputs.x, inputs.weightHh);
      const result: GruForwardOutputs = { y: frame.output([B, T, H]), h: frame.output([B, H]) };
      if (record) {
        result.gates = frame.output([B, T, GH]);
        result.hn = frame.output([B, T, H]);
      }
      const P = frame.scratch(B * T * GH);
      const R = frame.scratch(B * GH);
      const pack = frame.scratch(ctx.wasm.packedSize(GH, Math.max(I, H)));
      const lengthsPtr = frame.lengths(lengths);
      ctx.wasm.gruForward(
        B,
        T,
        I,
        H,
        reverse ? 1 : 0,
        lengthsPtr,
        ptrOf(inputs.x),
        ptrOf(inputs.weightIh),
        ptrOf(inputs.weightHh),
        ptrOf(inputs.biasIh),
        ptrOf(inputs.biasHh),
        ptrOf(inputs.h0),
        ptrOf(result.y),
        ptrOf(result.h),
        optionalPtr(result.gates),
        optionalPtr(result.hn),
        P,
        R,
        pack,
      );
      return result;
    });
}

/** Fused GRU backward through time: one wasm call per layer and direction. */
export function gruBackwardKernel(ctx: Context) {
  return (inputs: GruBackwardInputs, { reverse, lengths, record }: GruAttrs): GruBackwardOutputs =>
    withFrame(ctx, inputs.x.dtype, (frame) => {
      const dims = sequenceDims(inputs.x, inputs.weightHh);
      const { B, T, I, H, GH } = dims;
      const result: GruBackwardOutputs = {
        dx: frame.output([B, T, I]),
        dh0: frame.output([B, H]),
        dWeightIh: frame.output([GH, I]),
        dWeightHh: frame.output([GH, H]),
        dBiasIh: frame.output([GH]),
        dBiasHh: frame.output([GH]),
      };
      if (record) result.dhSteps = frame.output([B, T, H]);
      const dGx = frame.scratch(B * T * GH);
      const dGh = frame.scratch(B * T * GH);
      const hPrev = frame.scratch(B * T * H);
      const pack = frame.scratch(backwardPack(ctx, dims));
      const lengthsPtr = frame.lengths(lengths);
      ctx.wasm.gruBackward(
        B,
        T,
        I,
        H,
        reverse ? 1 : 0,
        lengthsPtr,
        ptrOf(inputs.x),
        ptrOf(inputs.weightIh),
        ptrOf(inputs.weightHh),
        ptrOf(inputs.h0),
        ptrOf(inputs.y),
        ptrOf(inputs.gates),
        ptrOf(inputs.hn),
        optionalPtr(inputs.dy),
        optionalPtr(inputs.dh),
        ptrOf(result.dx),
        ptrOf(result.dh0),
        ptrOf(result.dWeightIh),
        ptrOf(result.dWeightHh),
        ptrOf(result.dBiasIh),
        ptrOf(result.dBiasHh),
        optionalPtr(result.dhSteps),
        dGx,
        dGh,
        hPrev,
        pack,
      );
      return result;
    });
}
