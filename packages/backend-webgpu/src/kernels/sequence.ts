import type { TensorInfo } from '@lstm/core';
import type { GpuContext } from '../context.js';
import { SIGMOID, TANH, copyKernel } from './elementwise.js';
import { recordMatMul } from './mat-mul.js';
import { MAIN_1D, bufferOf, grid1d, header, params } from './wgsl.js';

/**
 * What the fused recurrent kernels share. A sequence runs in three phases, recorded into one
 * command encoder with nothing read back:
 *   1. every step's input projection in one tiled product: P[B·T, G·H] = X · W_ihᵀ + b_ih + b_hh;
 *   2. one dispatch per step, a thread per (row, unit): the recurrent dot products and the gate
 *      maths, the state ping-ponging between two buffers (a step reads the whole previous state);
 *   3. backward only: the weight gradients of all steps in a few large products.
 * Row lengths and small per-cell vectors travel in one read-only "aux" buffer, the state in one
 * buffer, so no step binds more than the 8 storage buffers every WebGPU adapter offers.
 */

export interface Dims {
  B: number;
  T: number;
  I: number;
  H: number;
  GH: number;
}

export function dimsOf(x: TensorInfo, weightHh: TensorInfo): Dims {
  const [B, T, I] = x.shape as [number, number, number];
  const [GH, H] = weightHh.shape as [number, number];
  return { B, T, I, H, GH };
}

/** WGSL: the time index of processing position s, and whether (b, t) is a valid step. */
export const STEP_HELPERS = (T: number, reverse: boolean) => `
fn step_at(s: u32) -> u32 { return ${reverse ? `${T - 1}u - s` : 's'}; }
fn length_of(b: u32) -> u32 { return u32(aux[b]); }
fn is_first(t: u32, len: u32) -> bool { return ${reverse ? 't + 1u == len' : 't == 0u'}; }
fn previous_t(t: u32) -> u32 { return ${reverse ? 't + 1u' : 't - 1u'}; }`;

/** A scratch buffer the kernel frees itself once its work is submitted. */
export class Scratch {
  readonly #buffers: GPUBuffer[] = [];
  constructor(readonly ctx: GpuContext) {}
  take(size: number): GPUBuffer {
    const buffer = this.ctx.allocate(size);
    this.#buffers.push(buffer);
    return buffer;
  }
  release(): void {
    for (const buffer of this.#buffers) this.ctx.release(buffer);
  }
}

/** aux = [lengths (B, as floats), then each extra vector in turn]; returns the buffer and the extras' offsets. */
export function auxBuffer(
  ctx: GpuContext,
  scratch: Scratch,
  lengths: Int32Array | null,
  dims: Dims,
  extras: readonly (TensorInfo | undefined)[],
) {
  const { B, T } = dims;
  let size = B;
  const offsets = extras.map((extra) => {
    const at = size;
    size += extra ? extra.shape.reduce((p, d) => p * d, 1) : 0;
    return at;
  });
  const aux = scratch.take(size);
  ctx.write(aux, lengths ? Float32Array.from(lengths) : new Float32Array(B).fill(T));
  const copy = copyKernel(ctx);
  extras.forEach((extra, k) => {
    if (extra)
      copy(
        bufferOf(extra),
        aux,
        extra.shape.reduce((p, d) => p * d, 1),
        0,
        offsets[k]!,
      );
  });
  return { aux, offsets };
}

/** P = X · W_ihᵀ + b_ih (+ b_hh) for every (row, step), [B·T, G·H]. */
export function projectInputs(
  ctx: GpuContext,
  scratch: Scratch,
  x: TensorInfo,
  weightIh: TensorInfo,
  biasIh: TensorInfo,
  biasHh: TensorInfo | null,
  dims: Dims,
): GPUBuffer {
  const { B, T, I, GH } = dims;
  const P = scratch.take(B * T * GH);
  if (!biasHh) {
    recordMatMul(ctx, bufferOf(x), bufferOf(weightIh), P, { M: B * T, N: GH, K: I }, false, true, bufferOf(biasIh));
    return P;
  }
  const bias = scratch.take(GH);
  ctx.dispatch({
    key: 'seq.biasSum',
    code: () => `${header(['n: u32'], ['A', 'B'], ['out'])}
${MAIN_1D}
  if (i < u.n) { out[i] = A[i] + B[i]; }
}`,
    params: params(GH),
    inputs: [bufferOf(biasIh), bufferOf(biasHh)],
    outputs: [bias],
    workgroups: grid1d(GH),
  });
  recordMatMul(ctx, bufferOf(x), bufferOf(weightIh), P, { M: B * T, N: GH, K: I }, false, true, bias);
  return P;
}

/** dst = srcᵀ for a row-major [rows, cols] matrix (W_hhᵀ for the forward steps). */
export function transposed(ctx: GpuContext, scratch: Scratch, src: GPUBuffer, rows: number, cols: number): GPUBuffer {
  const out = scratch.take(rows * cols);
  ctx.dispatch({
    key: 'seq.transpose',
    code: () => `${header(['rows: u32', 'cols: u32'], ['X'], ['out'])}
${MAIN_1D}
  if (i >= u.rows * u.cols) { return; }
  let c = i / u.rows;
  let r = i - c * u.rows;
  out[i] = X[r * u.cols + c];
}`,
    params: params(rows, cols),
    inputs: [src],
    outputs: [out],
    workgroups: grid1d(rows * cols),
  });
  return out;
}

/**
 * dX = dGx · W_ih, dW_ih = dGxᵀ · X, dW_hh = dGhᵀ · H_prev, db_ih = Σ rows of dGx, db_hh = Σ rows of
 * dGh: the input and recurrent sides differ only for the GRU (dGh = dGx for LSTM and RNN).
 */
export function weightGradients(
  ctx: GpuContext,
  dG: GPUBuffer,
  dGh: GPUBuffer,
  x: TensorInfo,
  weightIh: TensorInfo,
  hPrev: GPUBuffer,
  dims: Dims,
  outs: { dx: GPUBuffer; dWeightIh: GPUBuffer; dWeightHh: GPUBuffer; dBiasIh: GPUBuffer; dBiasHh: GPUBuffer },
): void {
  const { B, T, I, H, GH } = dims;
  const rows = B * T;
  recordMatMul(ctx, dG, bufferOf(weightIh), outs.dx, { M: rows, N: I, K: GH }, false, false);
  recordMatMul(ctx, dG, bufferOf(x), outs.dWeightIh, { M: GH, N: I, K: rows }, true, false);
  recordMatMul(ctx, dGh, hPrev, outs.dWeightHh, { M: GH, N: H, K: rows }, true, false);
  ctx.dispatch({
    key: 'seq.biasGrad',
    code: () => `${header(['rows: u32', 'cols: u32'], ['dGx', 'dGh'], ['dBiasIh', 'dBiasHh'])}
${MAIN_1D}
  if (i >= u.cols) { return; }
  var x = 0.0;
  var h = 0.0;
  for (var r = 0u; r < u.rows; r++) {
    x += dGx[r * u.cols + i];
    h += dGh[r * u.cols + i];
  }
  dBiasIh[i] = x;
  dBiasHh[i] = h;
}`,
    params: params(rows, GH),
    inputs: [dG, dGh],
    outputs: [outs.dBiasIh, outs.dBiasHh],
    workgroups: grid1d(GH),
  });
}

/** H_prev[b, t] = the state a step read: h0 at a row's first step, else y at its previous step (0 where padded). */
export function previousStates(
  ctx: GpuContext,
  y: GPUBuffer,
  h0: GPUBuffer,
  aux: GPUBuffer,
  out: GPUBuffer,
  dims: Dims,
  reverse: boolean,
): void {
  const { B, T, H } = dims;
  ctx.dispatch({
    key: `seq.previous.${T}.${reverse}`,
    code: () => `${header(['n: u32', 'H: u32'], ['Y', 'H0', 'aux'], ['out'])}
${STEP_HELPERS(T, reverse)}
${MAIN_1D}
  if (i >= u.n) { return; }
  let bt = i / u.H;
  let j = i - bt * u.H;
  let b = bt / ${T}u;
  let t = bt - b * ${T}u;
  let len = length_of(b);
  if (t >= len) { out[i] = 0.0; return; }
  if (is_first(t, len)) { out[i] = H0[b * u.H + j]; return; }
  out[i] = Y[(b * ${T}u + previous_t(t)) * u.H + j];
}`,
    params: params(B * T * H, H),
    inputs: [y, h0, aux],
    outputs: [out],
    workgroups: grid1d(B * T * H),
  });
}

/** "No step": the first backward dispatch has no earlier-processed step to take a gradient from. */
export const NONE = 0xffffffff;

/** WGSL: σ or hardSigmoid and its derivative from the value, shared by the LSTM and GRU programs. */
export function gateFunctions(hard: boolean): string {
  return `${SIGMOID}
${TANH}
fn act(x: f32) -> f32 { return ${hard ? 'clamp(0.2 * x + 0.5, 0.0, 1.0)' : 'sigmoid(x)'}; }
fn act_grad(s: f32) -> f32 { return ${hard ? 'select(0.0, 0.2, s > 0.0 && s < 1.0)' : 's * (1.0 - s)'}; }`;
}

/**
 * The forward's steps: position s reads `states[s % 2]` (`prev`, bound last among the inputs)
 * and writes the other (`next`, first among the outputs). Returns the buffer holding the final state.
 */
export function recordForwardSteps(
  ctx: GpuContext,
  program: { key: string; code: () => string },
  dims: Dims,
  inputs: readonly GPUBuffer[],
  states: readonly [GPUBuffer, GPUBuffer],
  outputs: readonly GPUBuffer[],
  workgroups: [number, number] = grid1d(dims.B * dims.H),
): GPUBuffer {
  for (let s = 0; s < dims.T; s++) {
    const [prev, next] = s % 2 === 0 ? states : ([states[1], states[0]] as const);
    ctx.dispatch({
      ...program,
      params: params(s),
      inputs: [...inputs, prev],
      outputs: [next, ...outputs],
      workgroups,
    });
  }
  return states[dims.T % 2]!;
}

/**
 * The backward's steps, positions T − 1 … 0, each first taking in the recurrent gradient of the
 * position processed before it (`source`); a last `finish` dispatch takes in position 0's (dh0).
 */
export function recordBackwardSteps(
  ctx: GpuContext,
  program: { key: string; code: () => string },
  dims: Dims,
  inputs: readonly GPUBuffer[],
  outputs: readonly GPUBuffer[],
): void {
  for (let s = dims.T - 1; s >= -1; s--) {
    const finish = s < 0;
    const source = s === dims.T - 1 ? NONE : s + 1;
    ctx.dispatch({
      ...program,
      params: params(finish ? 0 : s, source, finish ? 1 : 0),
      inputs,
      outputs,
      workgroups: grid1d(dims.B * dims.H),
    });
  }
}
