import type { LstmAttrs, LstmBackwardInputs, LstmBackwardOutputs, LstmForwardInputs, LstmForwardOutputs } from '@lstm/core';
import { type Context, optionalPtr, ptrOf, withFrame } from './context.js';
import { backwardPack, sequenceDims } from './sequence.js';

const VARIANTS = { standard: 0, peephole: 1, coupled: 2 } as const;

/** Fused LSTM forward: one wasm call per layer and direction (assembly/lstm.ts). */
export function lstmForwardKernel(ctx: Context) {
  return (inputs: LstmForwardInputs, { reverse, lengths, record, variant }: LstmAttrs): LstmForwardOutputs =>
    withFrame(ctx, inputs.x.dtype, (frame) => {
      const { B, T, I, H, GH } = sequenceDims(inputs.x, inputs.weightHh);
      const result: LstmForwardOutputs = { y: frame.output([B, T, H]), h: frame.output([B, H]), c: frame.output([B, H]) };
      if (record) {
        result.gates = frame.output([B, T, GH]);
        result.cells = frame.output([B, T, H]);
      }
      const P = frame.scratch(B * T * GH);
      const pack = frame.scratch(ctx.wasm.packedSize(GH, Math.max(I, H)));
      const lengthsPtr = frame.lengths(lengths);
      ctx.wasm.lstmForward(
        B,
        T,
        I,
        H,
        VARIANTS[variant],
        reverse ? 1 : 0,
        lengthsPtr,
        ptrOf(inputs.x),
        ptrOf(inputs.weightIh),
        ptrOf(inputs.weightHh),
        ptrOf(inputs.biasIh),
        ptrOf(inputs.biasHh),
        optionalPtr(variant === 'peephole' ? inputs.peephole : undefined),
        ptrOf(inputs.h0),
        ptrOf(inputs.c0),
        ptrOf(result.y),
        ptrOf(result.h),
        ptrOf(result.c),
        optionalPtr(result.gates),
        optionalPtr(result.cells),
        P,
        pack,
      );
      return result;
    });
}

/** Fused LSTM backward through time: one wasm call per layer and direction. */
export function lstmBackwardKernel(ctx: Context) {
  return (inputs: LstmBackwardInputs, { reverse, lengths, record, variant }: LstmAttrs): LstmBackwardOutputs =>
    withFrame(ctx, inputs.x.dtype, (frame) => {
      const { B, T, I, H, GH } = sequenceDims(inputs.x, inputs.weightHh);
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
      const dG = frame.scratch(B * T * GH);
      const hPrev = frame.scratch(B * T * H);
      const pack = frame.scratch(backwardPack(ctx, { B, T, I, H, GH }));
      const lengthsPtr = frame.lengths(lengths);
      ctx.wasm.lstmBackward(
        B,
        T,
        I,
        H,
        VARIANTS[variant],
        reverse ? 1 : 0,
        lengthsPtr,
        ptrOf(inputs.x),
        ptrOf(inputs.weightIh),
        ptrOf(inputs.weightHh),
        optionalPtr(variant === 'peephole' ? inputs.peephole : undefined),
        ptrOf(inputs.h0),
        ptrOf(inputs.c0),
        ptrOf(inputs.y),
        ptrOf(inputs.gates),
        ptrOf(inputs.cells),
        optionalPtr(inputs.dy),
        optionalPtr(inputs.dh),
        optionalPtr(inputs.dc),
        ptrOf(result.dx),
        ptrOf(result.dh0),
        ptrOf(result.dc0),
        ptrOf(result.dWeightIh),
        ptrOf(result.dWeightHh),
        ptrOf(result.dBiasIh),
        ptrOf(result.dBiasHh),
        optionalPtr(result.dPeephole),
        optionalPtr(result.dhSteps),
        optionalPtr(result.dcSteps),
        dG,
        hPrev,
        pack,
      );
      return result;
    });
}
