import type { RnnAttrs, RnnBackwardInputs, RnnBackwardOutputs, RnnForwardInputs, RnnForwardOutputs } from '@lstm/core';
import { type Context, optionalPtr, ptrOf, withFrame } from './context.js';
import { sequenceDims, sequenceWork, weightGradients } from './sequence.js';

/** Fused vanilla RNN forward: one wasm call per layer and direction (assembly/rnn.ts); threads split the batch. */
export function rnnForwardKernel(ctx: Context) {
  return (inputs: RnnForwardInputs, { reverse, lengths, nonlinearity }: RnnAttrs): RnnForwardOutputs =>
    withFrame(ctx, inputs.x.dtype, (frame) => {
      const dims = sequenceDims(inputs.x, inputs.weightHh);
      const { B, T, I, H } = dims;
      const result: RnnForwardOutputs = { y: frame.output([B, T, H]), h: frame.output([B, H]) };
      const P = frame.scratch(B * T * H);
      const packs = [ctx.packs.get(inputs.weightIh, 'nt'), ctx.packs.get(inputs.weightHh, 'nt')];
      const head = [B, T, I, H, nonlinearity === 'relu' ? 1 : 0, reverse ? 1 : 0, frame.lengths(lengths)];
      const ins = [inputs.x, inputs.biasIh, inputs.biasHh, inputs.h0].map(ptrOf);
      ctx.team.split('rnnForward', B, 1, sequenceWork(dims), (b0, b1) => [
        ...head,
        ...ins,
        ptrOf(result.y),
        ptrOf(result.h),
        P,
        ...packs,
        b0,
        b1,
      ]);
      return result;
    });
}

/** Fused vanilla RNN backward through time: one wasm call per layer and direction, then the weight gradients. */
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
      const [dG, hPrev] = [frame.scratch(B * T * H), frame.scratch(B * T * H)];
      const packs = [ctx.packs.get(inputs.weightIh, 'nn'), ctx.packs.get(inputs.weightHh, 'nn')];
      const head = [B, T, I, H, nonlinearity === 'relu' ? 1 : 0, reverse ? 1 : 0, frame.lengths(lengths)];
      const ins = [inputs.x, inputs.h0, inputs.y].map(ptrOf);
      const grads = [optionalPtr(inputs.dy), optionalPtr(inputs.dh)];
      const outs = [ptrOf(result.dx), ptrOf(result.dh0), optionalPtr(result.dhSteps)];
      ctx.team.split('rnnBackward', B, 1, sequenceWork(dims), (b0, b1) => [
        ...head,
        ...ins,
        ...grads,
        ...outs,
        dG!,
        hPrev!,
        ...packs,
        b0,
        b1,
      ]);
      weightGradients(ctx, frame, dims, [dG!, dG!, ptrOf(inputs.x), hPrev!], result);
      return result;
    });
}
