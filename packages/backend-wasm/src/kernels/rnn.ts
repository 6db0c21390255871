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
      const packs = [ctx.packs.get(inputs.weightIh, 'nt'), ctx.packs.get(inputs.weightHh, 'nt')];
      const dims = [B, T, I, H, nonlinearity === 'relu' ? 1 : 0, reverse ? 1 : 0, frame.lengths(lengths)];
      const ins = [inputs.x, inputs.biasIh, inputs.biasHh, inputs.h0].map(ptrOf);
      ctx.wasm.rnnForward(...dims, ...ins, ptrOf(result.y), ptrOf(result.h), P, ...packs);
      return result;
    });
}

/** Fused vanilla RNN backward through time: one wasm call per layer and direction. */
export function rnnBackwardKernel(ctx: Context) {
  return (inputs: RnnBackwardInputs, { reverse, lengths, record, nonlinearity }: RnnAttrs): RnnBackwardOutputs =>
    withFrame(ctx, inputs.x.dtype, (frame) => {
      const sizes = sequenceDims(inputs.x, inputs.weightHh);
      const { B, T, I, H } = sizes;
      const result: RnnBackwardOutputs = {
        dx: frame.output([B, T, I]),
        dh0: frame.output([B, H]),
        dWeightIh: frame.output([H, I]),
        dWeightHh: frame.output([H, H]),
        dBiasIh: frame.output([H]),
        dBiasHh: frame.output([H]),
      };
      if (record) result.dhSteps = frame.output([B, T, H]);
      const scratch = [frame.scratch(B * T * H), frame.scratch(B * T * H)]; // dG, H_prev
      const packs = [ctx.packs.get(inputs.weightIh, 'nn'), ctx.packs.get(inputs.weightHh, 'nn'), frame.scratch(backwardPack(ctx, sizes))];
      const dims = [B, T, I, H, nonlinearity === 'relu' ? 1 : 0, reverse ? 1 : 0, frame.lengths(lengths)];
      const ins = [inputs.x, inputs.h0, inputs.y].map(ptrOf);
      const grads = [optionalPtr(inputs.dy), optionalPtr(inputs.dh)];
      const outs = [result.dx, result.dh0, result.dWeightIh, result.dWeightHh, result.dBiasIh, result.dBiasHh].map(ptrOf);
      ctx.wasm.rnnBackward(...dims, ...ins, ...grads, ...outs, optionalPtr(result.dhSteps), ...scratch, ...packs);
      return result;
    });
}
