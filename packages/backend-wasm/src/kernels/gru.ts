import type { GruAttrs, GruBackwardInputs, GruBackwardOutputs, GruForwardInputs, GruForwardOutputs } from '@lstm/core';
import { type Context, optionalPtr, ptrOf, withFrame } from './context.js';
import { sequenceDims, sequenceWork, weightGradients } from './sequence.js';

/** Fused GRU forward: one wasm call per layer and direction (assembly/gru.ts); threads split the batch. */
export function gruForwardKernel(ctx: Context) {
  return (inputs: GruForwardInputs, { reverse, lengths, record, gateActivation }: GruAttrs): GruForwardOutputs =>
    withFrame(ctx, inputs.x.dtype, (frame) => {
      const dims = sequenceDims(inputs.x, inputs.weightHh);
      const { B, T, I, H, GH } = dims;
      const result: GruForwardOutputs = { y: frame.output([B, T, H]), h: frame.output([B, H]) };
      if (record) {
        result.gates = frame.output([B, T, GH]);
        result.hn = frame.output([B, T, H]);
      }
      const scratch = [frame.scratch(B * T * GH), frame.scratch(B * GH)]; // P, R
      const packs = [ctx.packs.get(inputs.weightIh, 'nt'), ctx.packs.get(inputs.weightHh, 'nt')];
      const head = [B, T, I, H, reverse ? 1 : 0, gateActivation === 'hardSigmoid' ? 1 : 0, frame.lengths(lengths)];
      const ins = [inputs.x, inputs.biasIh, inputs.biasHh, inputs.h0].map(ptrOf);
      const outs = [ptrOf(result.y), ptrOf(result.h), optionalPtr(result.gates), optionalPtr(result.hn)];
      ctx.team.split('gruForward', B, 1, sequenceWork(dims), (b0, b1) => [...head, ...ins, ...outs, ...scratch, ...packs, b0, b1]);
      return result;
    });
}

/** Fused GRU backward through time: one wasm call per layer and direction, then the weight gradients. */
export function gruBackwardKernel(ctx: Context) {
  return (inputs: GruBackwardInputs, { reverse, lengths, record, gateActivation }: GruAttrs): GruBackwardOutputs =>
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
      const [dGx, dGh, hPrev] = [frame.scratch(B * T * GH), frame.scratch(B * T * GH), frame.scratch(B * T * H)];
      const packs = [ctx.packs.get(inputs.weightIh, 'nn'), ctx.packs.get(inputs.weightHh, 'nn')];
      const head = [B, T, I, H, reverse ? 1 : 0, gateActivation === 'hardSigmoid' ? 1 : 0, frame.lengths(lengths)];
      const ins = [inputs.x, inputs.h0, inputs.y, inputs.gates, inputs.hn].map(ptrOf);
      const grads = [optionalPtr(inputs.dy), optionalPtr(inputs.dh)];
      const outs = [ptrOf(result.dx), ptrOf(result.dh0), optionalPtr(result.dhSteps)];
      ctx.team.split('gruBackward', B, 1, sequenceWork(dims), (b0, b1) => [
        ...head,
        ...ins,
        ...grads,
        ...outs,
        dGx!,
        dGh!,
        hPrev!,
        ...packs,
        b0,
        b1,
      ]);
      weightGradients(ctx, frame, dims, [dGx!, dGh!, ptrOf(inputs.x), hPrev!], result);
      return result;
    });
}
