import type { RnnAttrs, RnnBackwardInputs, RnnBackwardOutputs, RnnForwardInputs, RnnForwardOutputs } from '@lstm/core';
import type { GpuContext } from '../context.js';
import { TANH, copyKernel, fillKernel } from './elementwise.js';
import {
  auxBuffer,
  type Dims,
  dimsOf,
  NONE,
  previousStates,
  projectInputs,
  recordBackwardSteps,
  recordForwardSteps,
  Scratch,
  STEP_HELPERS,
  transposed,
  weightGradients,
} from './sequence.js';
import { IS_NAN, MAIN_1D, bufferOf, header, output } from './wgsl.js';

/**
 * Fused vanilla RNN, as backend-cpu's rnn-forward.ts and rnn-backward.ts: h_t = act(P_t + h_{t−1} W_hhᵀ)
 * with act = tanh or relu (NaN kept, as PyTorch's relu), and dG = dh_t ⊙ act'(h_t).
 */
function forwardProgram({ B, T, H }: Dims, attrs: RnnAttrs): string {
  const relu = attrs.nonlinearity === 'relu';
  return `${header(['s: u32'], ['P', 'W', 'aux', 'prev'], ['next', 'y'])}
${IS_NAN}
${TANH}
${STEP_HELPERS(T, attrs.reverse)}
${MAIN_1D}
  if (i >= ${B * H}u) { return; }
  let b = i / ${H}u;
  let j = i - b * ${H}u;
  let t = step_at(u.s);
  let row = b * ${T}u + t;
  if (t >= length_of(b)) {
    next[i] = prev[i];
    y[row * ${H}u + j] = 0.0;
    return;
  }
  var pre = P[row * ${H}u + j];
  for (var m = 0u; m < ${H}u; m++) { pre += prev[b * ${H}u + m] * W[m * ${H}u + j]; }
  let h = ${relu ? 'select(0.0, pre, pre > 0.0 || is_nan(pre))' : 'tanh_exact(pre)'};
  next[i] = h;
  y[row * ${H}u + j] = h;
}`;
}

/** `out` = dG [B·T, H], then dhSteps when recorded; state = dh. */
function backwardProgram({ B, T, H }: Dims, attrs: RnnAttrs, hasDy: boolean): string {
  const relu = attrs.nonlinearity === 'relu';
  const inputs = [...(hasDy ? ['dy'] : []), 'W', 'aux', 'Y'];
  return `${header(['s: u32', 'source: u32', 'finish: u32'], inputs, ['out', 'state'])}
${STEP_HELPERS(T, attrs.reverse)}
${MAIN_1D}
  if (i >= ${B * H}u) { return; }
  let b = i / ${H}u;
  let j = i - b * ${H}u;
  if (u.source != ${NONE}u) {
    let tn = step_at(u.source);
    if (tn < length_of(b)) {
      let base = (b * ${T}u + tn) * ${H}u;
      var d = 0.0;
      for (var k = 0u; k < ${H}u; k++) { d += out[base + k] * W[k * ${H}u + j]; }
      state[i] = d;
    }
  }
  if (u.finish == 1u) { return; }
  let t = step_at(u.s);
  let row = b * ${T}u + t;
  if (t >= length_of(b)) {
    out[row * ${H}u + j] = 0.0;
    ${attrs.record ? `out[${B * T * H}u + row * ${H}u + j] = 0.0;` : ''}
    return;
  }
  let dhT = state[i]${hasDy ? ` + dy[row * ${H}u + j]` : ''};
  let h = Y[row * ${H}u + j];
  out[row * ${H}u + j] = dhT * ${relu ? 'select(0.0, 1.0, h > 0.0)' : '(1.0 - h * h)'};
  ${attrs.record ? `out[${B * T * H}u + row * ${H}u + j] = dhT;` : ''}
}`;
}

export function rnnForwardKernel(ctx: GpuContext) {
  const copy = copyKernel(ctx);
  return (inputs: RnnForwardInputs, attrs: RnnAttrs): RnnForwardOutputs => {
    const dims = dimsOf(inputs.x, inputs.weightHh);
    const { B, T, H } = dims;
    const scratch = new Scratch(ctx);
    const y = output(ctx, [B, T, H]);
    const h = output(ctx, [B, H]);
    if (B * H > 0) {
      const P = projectInputs(ctx, scratch, inputs.x, inputs.weightIh, inputs.biasIh, inputs.biasHh, dims);
      const W = transposed(ctx, scratch, bufferOf(inputs.weightHh), H, H);
      const { aux } = auxBuffer(ctx, scratch, attrs.lengths, dims, []);
      const states = [scratch.take(B * H), scratch.take(B * H)] as const;
      copy(bufferOf(inputs.h0), states[0], B * H);
      const key = `rnn.forward.${JSON.stringify([dims, attrs.nonlinearity, attrs.reverse])}`;
      const code = () => forwardProgram(dims, attrs);
      copy(recordForwardSteps(ctx, { key, code }, dims, [P, W, aux], states, [y.handle.buffer]), h.handle.buffer, B * H);
    }
    scratch.release();
    return { y, h };
  };
}

export function rnnBackwardKernel(ctx: GpuContext) {
  const copy = copyKernel(ctx);
  const fill = fillKernel(ctx);
  return (inputs: RnnBackwardInputs, attrs: RnnAttrs): RnnBackwardOutputs => {
    const dims = dimsOf(inputs.x, inputs.weightHh);
    const { B, T, I, H } = dims;
    const BH = B * H;
    const rows = B * T;
    const scratch = new Scratch(ctx);
    const result: RnnBackwardOutputs = {
      dx: output(ctx, [B, T, I]),
      dh0: output(ctx, [B, H]),
      dWeightIh: output(ctx, [H, I]),
      dWeightHh: output(ctx, [H, H]),
      dBiasIh: output(ctx, [H]),
      dBiasHh: output(ctx, [H]),
      ...(attrs.record ? { dhSteps: output(ctx, [B, T, H]) } : {}),
    };
    const { aux } = auxBuffer(ctx, scratch, attrs.lengths, dims, []);
    const state = scratch.take(BH);
    if (inputs.dh) copy(bufferOf(inputs.dh), state, BH);
    else fill(state, BH, 0);
    const out = scratch.take(rows * H * (attrs.record ? 2 : 1));
    const key = `rnn.backward.${JSON.stringify([dims, attrs.nonlinearity, attrs.reverse, attrs.record, inputs.dy !== undefined])}`;
    const code = () => backwardProgram(dims, attrs, inputs.dy !== undefined);
    const bound = [...(inputs.dy ? [bufferOf(inputs.dy)] : []), bufferOf(inputs.weightHh), aux, bufferOf(inputs.y)];
    recordBackwardSteps(ctx, { key, code }, dims, bound, [out, state]);
    copy(state, bufferOf(result.dh0), BH);
    const hPrev = scratch.take(rows * H);
    previousStates(ctx, bufferOf(inputs.y), bufferOf(inputs.h0), aux, hPrev, dims, attrs.reverse);
    weightGradients(ctx, out, out, inputs.x, inputs.weightIh, hPrev, dims, {
      dx: bufferOf(result.dx),
      dWeightIh: bufferOf(result.dWeightIh),
      dWeightHh: bufferOf(result.dWeightHh),
      dBiasIh: bufferOf(result.dBiasIh),
      dBiasHh: bufferOf(result.dBiasHh),
    });
    if (result.dhSteps) copy(out, bufferOf(result.dhSteps), rows * H, rows * H);
    scratch.release();
    return result;
  };
}
