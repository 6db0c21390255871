import type { LstmAttrs, LstmBackwardInputs, LstmBackwardOutputs, LstmForwardInputs, LstmForwardOutputs } from '@lstm/core';
import { type Context, optionalPtr, ptrOf, withFrame } from './context.js';
import { backwardPack, sequenceDims } from './sequence.js';

const VARIANTS = { standard: 0, peephole: 1, coupled: 2 } as const;

/** Fused LSTM forward: one wasm call per layer and direction (assembly/lstm.ts). */
export function lstmForwardKernel(ctx: Context) {
  return (inputs: LstmForwardInputs, { reverse, lengths, record, variant }: LstmAttrs): LstmForwardOutputs =>
    withFrame(ctx, inputs.x.dtype, (frame) => {
      const { B, T, H, GH } = sequenceDims(inputs.x, inputs.weightHh);
      const result: LstmForwardOutputs = { y: frame.output([B, T, H]), h: frame.output([B, H]), c: frame.output([B, H]) };
      if (record) {
        result.gates = frame.output([B, T, GH]);
        result.cells = frame.output([B, T, H]);
      }
      const peephole = optionalPtr(variant === 'peephole' ? inputs.peephole : undefined);
      const P = frame.scratch(B * T * GH);
      const packIh = ctx.packs.get(inputs.weightIh, 'nt');
      const packHh = ctx.packs.get(inputs.weightHh, 'nt');
      const dims = [B, T, inputs.x.shape[2]!, H, VARIANTS[variant], reverse ? 1 : 0, frame.lengths(lengths)];
      const ins = [ptrOf(inputs.x), ptrOf(inputs.biasIh), ptrOf(inputs.biasHh), peephole, ptrOf(inputs.h0), ptrOf(inputs.c0)];
      const outs = [ptrOf(result.y), ptrOf(result.h), ptrOf(result.c), optionalPtr(result.gates), optionalPtr(result.cells)];
      ctx.wasm.lstmForward(...dims, ...ins, ...outs, P, packIh, packHh);
      return result;
    });
}

/** Fused LSTM backward through time: one wasm call per layer and direction. */
export function lstmBackwardKernel(ctx: Context) {
  return (inputs: LstmBackwardInputs, { reverse, lengths, record, variant }: LstmAttrs): LstmBackwardOutputs =>
    withFrame(ctx, inputs.x.dtype, (frame) => {
      const sizes = sequenceDims(inputs.x, inputs.weightHh);
      const { B, T, I, H, GH } = sizes;
      const result: LstmBackwardOutputs = {
        dx: frame.output([B, T, I]),
        dh0: frame.output([B, H]),
        dc0: frame.output([B, H]),
        dWeightIh: frame.output([GH, I]),
        dWeightHh: frame.output([GH, H]),
        dBiasIh: frame.output([GH]),
        dBiasHh: frame.output([GH]),
      };
      if (variant === 'peephole') result.dPeephole = frame.output([3 * H]);
      if (record) {
        result.dhSteps = frame.output([B, T, H]);
        result.dcSteps = frame.output([B, T, H]);
      }
      const peephole = optionalPtr(variant === 'peephole' ? inputs.peephole : undefined);
      const scratch = [frame.scratch(B * T * GH), frame.scratch(B * T * H)]; // dG, H_prev
      const packs = [ctx.packs.get(inputs.weightIh, 'nn'), ctx.packs.get(inputs.weightHh, 'nn'), frame.scratch(backwardPack(ctx, sizes))];
      const dims = [B, T, I, H, VARIANTS[variant], reverse ? 1 : 0, frame.lengths(lengths)];
      const ins = [
        ptrOf(inputs.x),
        peephole,
        ptrOf(inputs.h0),
        ptrOf(inputs.c0),
        ptrOf(inputs.y),
        ptrOf(inputs.gates),
        ptrOf(inputs.cells),
      ];
      const grads = [optionalPtr(inputs.dy), optionalPtr(inputs.dh), optionalPtr(inputs.dc)];
      const outs = [result.dx, result.dh0, result.dc0, result.dWeightIh, result.dWeightHh, result.dBiasIh, result.dBiasHh].map(ptrOf);
      const optionalOuts = [result.dPeephole, result.dhSteps, result.dcSteps].map(optionalPtr);
      ctx.wasm.lstmBackward(...dims, ...ins, ...grads, ...outs, ...optionalOuts, ...scratch, ...packs);
      return result;
    });
}
