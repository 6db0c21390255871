import {
  type LstmAttrs,
  type LstmBackwardInputs,
  type LstmBackwardOutputs,
  type LstmForwardInputs,
  type LstmForwardOutputs,
  type TensorInfo,
  gateRecurrenceRows,
  lstmPeepholeGates,
} from '@lstm/core';
import { type Context, type Frame, optionalPtr, ptrOf, withFrame } from './context.js';
import { sequenceDims, sequenceWork, weightGradients } from './sequence.js';

/**
 * The form bits and pinned values assembly/lstm.ts reads (its constants): peepholes, complement
 * and pinned gates, dropped tanh, hardSigmoid gates, gate recurrence.
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
    bit(form.cellActivation === 'identity', 256) |
    bit(form.gateRecurrence, 512);
  // A pinned value travels as its float32 bits: the threads hand arguments over in an Int32Array.
  const pin = (value: unknown) => {
    F32[0] = typeof value === 'number' ? value : 0;
    return I32[0]!;
  };
  return [bits, pin(form.i), pin(form.f), pin(form.o)];
}

/**
 * Gate recurrence (FGR): R [3H, 3H] widened to the packed rows (R̃ [4H, 3H], zeros for g) and packed
 * for x · R̃ᵀ ('nt', forward) or d · R̃ ('nn', backward), in the frame's scratch; 0 without it.
 */
function packedGateRecurrence(ctx: Context, frame: Frame, R: TensorInfo | undefined, H: number, use: 'nt' | 'nn'): number {
  if (!R) return 0;
  const wide = frame.scratch(12 * H * H);
  const pack = frame.scratch(ctx.wasm.packedSize(use === 'nt' ? 4 * H : 3 * H, use === 'nt' ? 3 * H : 4 * H));
  ctx.heap.f32(wide, 12 * H * H).set(gateRecurrenceRows(ctx.heap.f32(ptrOf(R), 9 * H * H), H));
  if (use === 'nt') ctx.wasm.packB(wide, 3 * H, 1, 4 * H, 3 * H, pack);
  else ctx.wasm.packB(wide, 1, 3 * H, 3 * H, 4 * H, pack);
  return pack;
}

/**
 * ∂L/∂R = the i, f, o rows of Σ dG_(b,t)ᵀ A_(b,t−1) (dG [B·T, 4H], aPrev [B·T, 3H]): two GEMMs
 * reading dG's columns of i, f and of o as the rows of dGᵀ, threads splitting those rows.
 */
function gateRecurrenceGradient(ctx: Context, frame: Frame, dG: number, aPrev: number, rows: number, H: number, out: TensorInfo): void {
  const pack = frame.scratch(ctx.wasm.packedSize(3 * H, rows));
  ctx.wasm.packB(aPrev, 1, 3 * H, 3 * H, rows, pack);
  const GH = 4 * H;
  for (const [column, count, at] of [
    [0, 2 * H, 0],
    [3 * H, H, 2 * H],
  ] as const) {
    const [A, C] = [dG + column * 4, ptrOf(out) + at * 3 * H * 4];
    ctx.team.split('gemmPacked', count, 4, count * 3 * H * rows, (r0, r1) => [
      r1 - r0,
      3 * H,
      rows,
      A + r0 * 4,
      1,
      GH,
      pack,
      C + r0 * 3 * H * 4,
      3 * H,
      0,
    ]);
  }
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
      const recur = form.gateRecurrence ? inputs.gateRecurrence : undefined;
      const packs = [
        ctx.packs.get(inputs.weightIh, 'nt'),
        ctx.packs.get(inputs.weightHh, 'nt'),
        packedGateRecurrence(ctx, frame, recur, H, 'nt'),
      ];
      const A = recur ? frame.scratch(B * 3 * H) : 0;
      const head = [B, T, I, H, ...formArgs(attrs), reverse ? 1 : 0, frame.lengths(lengths)];
      const ins = [ptrOf(inputs.x), ptrOf(inputs.biasIh), ptrOf(inputs.biasHh), peephole, ptrOf(inputs.h0), ptrOf(inputs.c0)];
      const outs = [ptrOf(result.y), ptrOf(result.h), ptrOf(result.c), optionalPtr(result.gates), optionalPtr(result.cells)];
      ctx.team.split('lstmForward', B, 1, sequenceWork(dims), (b0, b1) => [...head, ...ins, ...outs, P, ...packs, A, b0, b1]);
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
      const recur = form.gateRecurrence ? inputs.gateRecurrence : undefined;
      if (recur) result.dGateRecurrence = frame.output([3 * H, 3 * H]);
      if (record) {
        result.dhSteps = frame.output([B, T, H]);
        result.dcSteps = frame.output([B, T, H]);
      }
      const dG = frame.scratch(B * T * GH);
      const hPrev = frame.scratch(B * T * H);
      const packs = [
        ctx.packs.get(inputs.weightIh, 'nn'),
        ctx.packs.get(inputs.weightHh, 'nn'),
        packedGateRecurrence(ctx, frame, recur, H, 'nn'),
      ];
      const [dA, aPrev] = recur ? [frame.scratch(B * 3 * H), frame.scratch(B * T * 3 * H)] : [0, 0];
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
        dA,
        aPrev,
        b0,
        b1,
      ]);
      weightGradients(ctx, frame, dims, [dG, dG, ptrOf(inputs.x), hPrev], result);
      if (result.dGateRecurrence) gateRecurrenceGradient(ctx, frame, dG, aPrev, B * T, H, result.dGateRecurrence);
      return result;
    });
}
