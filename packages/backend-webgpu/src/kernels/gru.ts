import type { GruAttrs, GruBackwardInputs, GruBackwardOutputs, GruForwardInputs, GruForwardOutputs } from '@lstm/core';
import type { GpuContext } from '../context.js';
import { copyKernel, fillKernel } from './elementwise.js';
import {
  auxBuffer,
  type Dims,
  dimsOf,
  gateFunctions,
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
import { MAIN_1D, bufferOf, grid1d, header, output, params } from './wgsl.js';

/**
 * Fused GRU (PyTorch's formulation, gates packed r, z, n), as backend-cpu's gru-forward.ts and
 * gru-backward.ts: r = σ(P_r + R_r + b_hr), z = σ(P_z + R_z + b_hz), hn = R_n + b_hn,
 * n = tanh(P_n + r ⊙ hn), h = (1 − z) ⊙ n + z ⊙ h_{t−1}; P = x W_ihᵀ + b_ih, R = h_{t−1} W_hhᵀ.
 * b_hh rides in the aux buffer after the lengths.
 */
function forwardProgram({ B, T, H }: Dims, attrs: GruAttrs): string {
  const GH = 3 * H;
  const bias = (k: number) => `aux[${B + k * H}u + j]`;
  return `${header(['s: u32'], ['P', 'W', 'aux', 'prev'], attrs.record ? ['next', 'y', 'gates', 'hnOut'] : ['next', 'y'])}
${gateFunctions(attrs.gateActivation === 'hardSigmoid')}
${STEP_HELPERS(T, attrs.reverse)}
${MAIN_1D}
  if (i >= ${B * H}u) { return; }
  let b = i / ${H}u;
  let j = i - b * ${H}u;
  let t = step_at(u.s);
  let row = b * ${T}u + t;
  let p = row * ${GH}u;
  if (t >= length_of(b)) {
    next[i] = prev[i];
    y[row * ${H}u + j] = 0.0;
    ${attrs.record ? `gates[p + j] = 0.0; gates[p + ${H}u + j] = 0.0; gates[p + ${2 * H}u + j] = 0.0; hnOut[row * ${H}u + j] = 0.0;` : ''}
    return;
  }
  var accR = 0.0;
  var accZ = 0.0;
  var accN = 0.0;
  for (var m = 0u; m < ${H}u; m++) {
    let hm = prev[b * ${H}u + m];
    let w = m * ${GH}u + j;
    accR += hm * W[w];
    accZ += hm * W[w + ${H}u];
    accN += hm * W[w + ${2 * H}u];
  }
  let r = act(P[p + j] + accR + ${bias(0)});
  let z = act(P[p + ${H}u + j] + accZ + ${bias(1)});
  let hn = accN + ${bias(2)};
  let n = tanh_exact(P[p + ${2 * H}u + j] + r * hn);
  let h = (1.0 - z) * n + z * prev[i];
  next[i] = h;
  y[row * ${H}u + j] = h;
  ${attrs.record ? `gates[p + j] = r; gates[p + ${H}u + j] = z; gates[p + ${2 * H}u + j] = n; hnOut[row * ${H}u + j] = hn;` : ''}
}`;
}

/** dh_{t−1} = dh_t ⊙ z + dGh_t · W_hh, dGh = dGx with its n block times r; `out` = dGx [B·T, 3H] then dhSteps. */
function backwardProgram({ B, T, H }: Dims, attrs: GruAttrs, hasDy: boolean): string {
  const GH = 3 * H;
  const BH = B * H;
  const inputs = ['gates', 'hn', ...(hasDy ? ['dy'] : []), 'W', 'aux', 'Y'];
  return `${header(['s: u32', 'source: u32', 'finish: u32'], inputs, ['out', 'state'])}
${gateFunctions(attrs.gateActivation === 'hardSigmoid')}
${STEP_HELPERS(T, attrs.reverse)}
${MAIN_1D}
  if (i >= ${BH}u) { return; }
  let b = i / ${H}u;
  let j = i - b * ${H}u;
  if (u.source != ${NONE}u) {
    let tn = step_at(u.source);
    if (tn < length_of(b)) {
      let base = (b * ${T}u + tn) * ${GH}u;
      var d = 0.0;
      for (var k = 0u; k < ${2 * H}u; k++) { d += out[base + k] * W[k * ${H}u + j]; }
      for (var k = ${2 * H}u; k < ${GH}u; k++) { d += (out[base + k] * gates[base + k - ${2 * H}u]) * W[k * ${H}u + j]; }
      state[i] = state[i] + d;
    }
  }
  if (u.finish == 1u) { return; }
  let t = step_at(u.s);
  let len = length_of(b);
  let row = b * ${T}u + t;
  let p = row * ${GH}u;
  if (t >= len) {
    out[p + j] = 0.0; out[p + ${H}u + j] = 0.0; out[p + ${2 * H}u + j] = 0.0;
    ${attrs.record ? `out[${B * T * GH}u + row * ${H}u + j] = 0.0;` : ''}
    return;
  }
  var hPrev = state[${BH}u + i];
  if (!is_first(t, len)) { hPrev = Y[(b * ${T}u + previous_t(t)) * ${H}u + j]; }
  let dhT = state[i]${hasDy ? ` + dy[row * ${H}u + j]` : ''};
  let r = gates[p + j];
  let z = gates[p + ${H}u + j];
  let n = gates[p + ${2 * H}u + j];
  let dnPre = dhT * (1.0 - z) * (1.0 - n * n);
  let dzPre = dhT * (hPrev - n) * act_grad(z);
  let drPre = dnPre * hn[row * ${H}u + j] * act_grad(r);
  out[p + j] = drPre;
  out[p + ${H}u + j] = dzPre;
  out[p + ${2 * H}u + j] = dnPre;
  state[i] = dhT * z;
  ${attrs.record ? `out[${B * T * GH}u + row * ${H}u + j] = dhT;` : ''}
}`;
}

export function gruForwardKernel(ctx: GpuContext) {
  const copy = copyKernel(ctx);
  return (inputs: GruForwardInputs, attrs: GruAttrs): GruForwardOutputs => {
    const dims = dimsOf(inputs.x, inputs.weightHh);
    const { B, T, H, GH } = dims;
    const scratch = new Scratch(ctx);
    const y = output(ctx, [B, T, H]);
    const h = output(ctx, [B, H]);
    const gates = attrs.record ? output(ctx, [B, T, GH]) : undefined;
    const hn = attrs.record ? output(ctx, [B, T, H]) : undefined;
    if (B * H > 0) {
      const P = projectInputs(ctx, scratch, inputs.x, inputs.weightIh, inputs.biasIh, null, dims);
      const W = transposed(ctx, scratch, bufferOf(inputs.weightHh), GH, H);
      const { aux } = auxBuffer(ctx, scratch, attrs.lengths, dims, [inputs.biasHh]);
      const states = [scratch.take(B * H), scratch.take(B * H)] as const;
      copy(bufferOf(inputs.h0), states[0], B * H);
      const key = `gru.forward.${JSON.stringify([dims, attrs.gateActivation, attrs.reverse, attrs.record])}`;
      const code = () => forwardProgram(dims, attrs);
      const outs = gates && hn ? [y.handle.buffer, gates.handle.buffer, hn.handle.buffer] : [y.handle.buffer];
      copy(recordForwardSteps(ctx, { key, code }, dims, [P, W, aux], states, outs), h.handle.buffer, B * H);
    }
    scratch.release();
    return { y, h, ...(gates && hn ? { gates, hn } : {}) };
  };
}

export function gruBackwardKernel(ctx: GpuContext) {
  const copy = copyKernel(ctx);
  const fill = fillKernel(ctx);
  return (inputs: GruBackwardInputs, attrs: GruAttrs): GruBackwardOutputs => {
    const dims = dimsOf(inputs.x, inputs.weightHh);
    const { B, T, I, H, GH } = dims;
    const BH = B * H;
    const rows = B * T;
    const scratch = new Scratch(ctx);
    const result: GruBackwardOutputs = {
      dx: output(ctx, [B, T, I]),
      dh0: output(ctx, [B, H]),
      dWeightIh: output(ctx, [GH, I]),
      dWeightHh: output(ctx, [GH, H]),
      dBiasIh: output(ctx, [GH]),
      dBiasHh: output(ctx, [GH]),
      ...(attrs.record ? { dhSteps: output(ctx, [B, T, H]) } : {}),
    };
    const { aux } = auxBuffer(ctx, scratch, attrs.lengths, dims, []);
    const state = scratch.take(2 * BH); // dh, then h0
    fill(state, BH, 0);
    if (inputs.dh) copy(bufferOf(inputs.dh), state, BH);
    copy(bufferOf(inputs.h0), state, BH, 0, BH);
    const out = scratch.take(rows * GH + (attrs.record ? rows * H : 0));
    const key = `gru.backward.${JSON.stringify([dims, attrs.gateActivation, attrs.reverse, attrs.record, inputs.dy !== undefined])}`;
    const code = () => backwardProgram(dims, attrs, inputs.dy !== undefined);
    const bound = [
      bufferOf(inputs.gates),
      bufferOf(inputs.hn),
      ...(inputs.dy ? [bufferOf(inputs.dy)] : []),
      bufferOf(inputs.weightHh),
      aux,
      bufferOf(inputs.y),
    ];
    recordBackwardSteps(ctx, { key, code }, dims, bound, [out, state]);
    copy(state, bufferOf(result.dh0), BH);
    // The recurrent side: dGh = dGx with the n block times r.
    const dGh = scratch.take(rows * GH);
    ctx.dispatch({
      key: `gru.dGh.${H}`,
      code: () => `${header(['n: u32'], ['dGx', 'gates'], ['dGh'])}
${MAIN_1D}
  if (i >= u.n) { return; }
  let k = i % ${GH}u;
  if (k < ${2 * H}u) { dGh[i] = dGx[i]; } else { dGh[i] = dGx[i] * gates[i - ${2 * H}u]; }
}`,
      params: params(rows * GH),
      inputs: [out, bufferOf(inputs.gates)],
      outputs: [dGh],
      workgroups: grid1d(rows * GH),
    });
    const hPrev = scratch.take(rows * H);
    previousStates(ctx, bufferOf(inputs.y), bufferOf(inputs.h0), aux, hPrev, dims, attrs.reverse);
    weightGradients(ctx, out, dGh, inputs.x, inputs.weightIh, hPrev, dims, {
      dx: bufferOf(result.dx),
      dWeightIh: bufferOf(result.dWeightIh),
      dWeightHh: bufferOf(result.dWeightHh),
      dBiasIh: bufferOf(result.dBiasIh),
      dBiasHh: bufferOf(result.dBiasHh),
    });
    if (result.dhSteps) copy(out, bufferOf(result.dhSteps), rows * H, rows * GH);
    scratch.release();
    return result;
  };
}
