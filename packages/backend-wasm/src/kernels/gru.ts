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
      const scratch = [frame.scratch(B * T * GH), frame.scratch(B * GH)]; // P, R
      const packs = [ctx.packs.get(inputs.weightIh, 'nt'), ctx.packs.get(inputs.weightHh, 'nt')];
      const dims = [B, T, I, H, reverse ? 1 : 0, frame.lengths(lengths)];
      const ins = [inputs.x, inputs.biasIh, inputs.biasHh, inputs.h0].map(ptrOf);
      const outs = [ptrOf(result.y), ptrOf(result.h), optionalPtr(result.gates), optionalPtr(result.hn)];
      ctx.wasm.gruForward(...dims, ...ins, ...outs, ...scratch, ...packs);
      return result;
    });
}

/** Fused GRU backward through time: one wasm call per layer and direction. */
export function gruBackwardKernel(ctx: Context) {
  return (inputs: GruBackwardInputs, { reverse, lengths, record }: GruAttrs): GruBackwardOutputs =>
    withFrame(ctx, inputs.x.dtype, (frame) => {
      const sizes = sequenceDims(inputs.x, inputs.weightHh);
      const { B, T, I, H, GH } = sizes;
      const result: GruBackwardOutputs = {
        dx: frame.output([B, T, I]),
        dh0: frame.output([B, H]),
        dWeightIh: frame.output([GH, I]),
        dWeightHh: frame.output([GH, H]),
        dBiasIh: frame.output([GH]),
        dBiasHh: frame.output([GH]),
      };
      if (record) result.dhSteps = frame.output([B, T, H]);
      const scratch = [frame.scratch(B * T * GH), frame.scratch(B * T * GH), frame.scratch(B * T * H)]; // dGx, dGh, H_prev
      const packs = [ctx.packs.get(inputs.weightIh, 'nn'), ctx.packs.get(inputs.weightHh, 'nn'), frame.scratch(backwardPack(ctx, sizes))];
      const dims = [B, T, I, H, reverse ? 1 : 0, frame.lengths(lengths)];
      const ins = [inputs.x, inputs.h0, inputs.y, inputs.gates, inputs.hn].map(ptrOf);
      const grads = [optionalPtr(inputs.dy), optionalPtr(inputs.dh)];
      const outs = [result.dx, result.dh0, result.dWeightIh, result.dWeightHh, result.dBiasIh, result.dBiasHh].map(ptrOf);
      ctx.wasm.gruBackward(...dims, ...ins, ...grads, ...outs, optionalPtr(result.dhSteps), ...scratch, ...packs);
      return result;
    });
}
