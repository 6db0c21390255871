import type { RnnAttrs, RnnBackwardInputs, RnnBackwardOutputs, RnnForwardInputs, RnnForwardOutputs } from '@lstm/core';
import { type Context, optionalPtr, ptrOf, withFrame } from './context.js';
import { backwardPack, sequenceDims } from './sequence.js';

/** Fused vanilla RNN forward: one wasm call per layer and direction (assembly/rnn.ts). */
export function rnnForwardKernel(ctx: Context) {
  return (inputs: RnnForwardInputs, { reverse, lengths, nonlinearity }: RnnAttrs): RnnForwardOutputs =>
    withFrame(ctx, inputs.x.dtype, (frame) => {
      const { B, T, I, H } = sequenceDims(inputs.x, inputs.weightHh);
      const result: RnnForwardOutputs = { y: frame.output([B, T, H]), h: frame.output([B, H]) };
      const P = frame.scratch(B * T * H);
      const pack = frame.scratch(ctx.wasm.packedSize(H, Math.max(I, H)));
      const lengthsPtr = frame.lengths(lengths);
      ctx.wasm.rnnForward(
        B,
        T,
        I,
        H,
        nonlinearity === 'relu' ? 1 : 0,
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
        P,
        pack,
      );
      return result;
    });
}

/** Fused vanilla RNN backward through time: one wasm call per layer and direction. */
export function rnnBackwardKernel(ctx: Context) {
  return (inputs: RnnBackwardInputs, { reverse, lengths, record, nonlinearity }: RnnAttrs): RnnBackwardOutputs =>
    withFrame(ctx, inputs.x.dtype, (frame) => {
      const dims = sequenceDims(inputs.x, inputs.weightHh);
      const { B, T, I, H } = dims;
      const result: RnnBackwardOutputs = {
        dx: frame.output([B, T, I]),
        dh0: frame.output([B, H]),
        dWeightIh: frame.output([H, I]),
        dWeightHh: frame.output([H, H]),
        dBiasIh: frame.output([H]),
        dBiasHh: frame.output([H]),
      };
      if (record) result.dhSteps = frame.output([B, T, H]);
      const dG = frame.scratch(B * T * H);
      const hPrev = frame.scratch(B * T * H);
      const pack = frame.scratch(backwardPack(ctx, dims));
      const lengthsPtr = frame.lengths(lengths);
      ctx.wasm.rnnBackward(
        B,
        T,
        I,
        H,
        nonlinearity === 'relu' ? 1 : 0,
        reverse ? 1 : 0,
        lengthsPtr,
        ptrOf(inputs.x),
        ptrOf(inputs.weightIh),
        ptrOf(inputs.weightHh),
        ptrOf(inputs.h0),
        ptrOf(inputs.y),
        optionalPtr(inputs.dy),
        optionalPtr(inputs.dh),
        ptrOf(result.dx),
        ptrOf(result.dh0),
        ptrOf(result.dWeightIh),
        ptrOf(result.dWeightHh),
        ptrOf(result.dBiasIh),
        ptrOf(result.dBiasHh),
        optionalPtr(result.dhSteps),
        dG,
        hPrev,
        pack,
      );
      return result;
    });
}
