import {
  type LstmAttrs,
  type LstmBackwardInputs,
  type LstmBackwardOutputs,
  type LstmForwardInputs,
  type LstmForwardOutputs,
  lstmPeepholeGates,
} from '@lstm/core';
import { type Context, optionalPtr, ptrOf, withFrame } from './context.js';
import { sequenceDims, sequenceWork, weightGradients } from './sequence.js';

/**
 * The form bits and pinned values assembly/lstm.ts reads (its constants): peepholes, complement
 * and pinned gates, dropped tanh, hardSigmoid gates.
 */
const F32 = new Float32Array(1);
const I32 = new Int32Array(F32.buffer);

function formArgs({ form, gateActivation }: LstmAttrs): number[] {
  const bit = (on: boolean, value: number) => (on ? value : 0);
  const bits =
    bit(form.peephole, 1) |
    bit(form.i === 'complement', 2) |
    bit(gateActivation === 'hardSigmoid', 4) |
    bit(form.f === 'complement', 8) |
    bit(typeof form.i === 'number', 16) |
    bit(typeof form.f === 'number', 32) |
    bit(typeof form.o === 'number', 64) |
    bit(form.inputActivation === 'identity', 128) |
    bit(form.cellActivation === 'identity', 256);
  // A pinned value travels as its float32 bits: the threads hand arguments over in an Int32Array.
  const pin = (value: unknown) => {
    F32[0] = typeof value === 'number' ? value : 0;
    return I32[0]!;
  };
  return [bits, pin(form.i), pin(form.f), pin(form.o)];
}

/** Fused LSTM forward: one wasm call per layer and direction (assembly/lstm.ts); threads split the batch. */
export function lstmForwardKernel(ctx: Context) {
  return (inputs: LstmForwardInputs, attrs: LstmAttrs): LstmForwardOutputs =>
    withFrame(ctx, inputs.x.dtype, (frame) => {
      const { reverse, lengths, record, form } = attrs;
      const dims = sequenceDims(inputs.x, inputs.weightHh);
      const { B, T, I, H, GH } = dims;
      const result: LstmForwardOutputs = { y: frame.output([B, T, H]), h: frame.output([B, H]), c: frame.output([B, H]) };
      if (record) {
        result.gates = frame.output([B, T, GH]);
        result.cells = frame.output([B, T, H]);
      }
      const peephole = optionalPtr(form.peephole ? inputs.peephole : undefined);
      const P = frame.scratch(B * T * GH);
      const packs = [ctx.packs.get(inputs.weightIh, 'nt'), ctx.packs.get(inputs.weightHh, 'nt')];
      const head = [B, T, I, H, ...formArgs(attrs), reverse ? 1 : 0, frame.lengths(lengths)];
      const ins = [ptrOf(inputs.x), ptrOf(inputs.biasIh), ptrOf(inputs.biasHh), peephole, ptrOf(inputs.h0), ptrOf(inputs.c0)];
      const outs = [ptrOf(result.y), ptrOf(result.h), ptrOf(result.c), optionalPtr(result.gates), optionalPtr(result.cells)];
      ctx.team.split('lstmForward', B, 1, sequenceWork(dims), (b0, b1) => [...head, ...ins, ...outs, P, ...packs, b0, b1]);
      return result;
    });
}

/** Fused LSTM backward through time: one wasm call per layer and direction, then the weight gradients. */
export function lstmBackwardKernel(ctx: Context) {
  return (inputs: LstmBackwardInputs, attrs: LstmAttrs): LstmBackwardOutputs =>
    withFrame(ctx, inputs.x.dtype, (frame) => {
      const { reverse, lengths, record, form } = attrs;
      const dims = sequenceDims(inputs.x, inputs.weightHh);
      const { B, T, I, H, GH } = dims;
      const result: LstmBackwardOutputs = {
        dx: frame.output([B, T, I]),
        dh0: frame.output([B, H]),
        dc0: frame.output([B, H]),
        dWeightIh: frame.output([GH, I]),
        dWeightHh: frame.output([GH, H]),
        dBiasIh: frame.output([GH]),
        dBiasHh: frame.output([GH]),
      };
      const peephole = form.peephole;
      if (peephole) result.dPeephole = frame.output([lstmPeepholeGates(form).length * H]);
      if (record) {
        result.dhSteps = frame.output([B, T, H]);
        result.dcSteps = frame.output([B, T, H]);
      }
      const dG = frame.scratch(B * T * GH);
      const hPrev = frame.scratch(B * T * H);
      const packs = [ctx.packs.get(inputs.weightIh, 'nn'), ctx.packs.get(inputs.weightHh, 'nn')];
      const head = [B, T, I, H, ...formArgs(attrs), reverse ? 1 : 0, frame.lengths(lengths)];
      const ins = [inputs.x, peephole ? inputs.peephole : undefined, inputs.h0, inputs.c0, inputs.y, inputs.gates, inputs.cells].map(
        optionalPtr,
      );
      const grads = [inputs.dy, inputs.dh, inputs.dc].map(optionalPtr);
      const outs = [result.dx, result.dh0, result.dc0, result.dPeephole, result.dhSteps, result.dcSteps].map(optionalPtr);
      // The peephole gradient sums over every row, so that variant's backward stays on one thread.
      const grain = peephole ? B : 1;
      ctx.team.split('lstmBackward', B, grain, sequenceWork(dims), (b0, b1) => [
        ...head,
        ...ins,
        ...grads,
        ...outs,
        dG,
        hPrev,
        ...packs,
        b0,
        b1,
      ]);
      weightGradients(ctx, frame, dims, [dG, dG, ptrOf(inputs.x), hPrev], result);
      return result;
    });
}
