import type { LstmAttrs, LstmBackwardInputs, LstmBackwardOutputs } from '@lstm/core';
import { lstmOffsets, lstmPeepholeGates } from '@lstm/core';
import type { GpuContext } from '../context.js';
import { copyKernel, fillKernel } from './elementwise.js';
import { formCode, packWeights } from './lstm.js';
import { recordMatMul } from './mat-mul.js';
import {
  auxBuffer,
  type Dims,
  dimsOf,
  NONE,
  previousStates,
  recordBackwardSteps,
  Scratch,
  STEP_HELPERS,
  weightGradients,
} from './sequence.js';
import { MAIN_1D, bufferOf, grid1d, header, output, params } from './wgsl.js';

/**
 * One step of the LSTM's backward through time, a thread per (b, j). It first takes in the
 * recurrent gradient of the step processed before it (position `from`): dh = dG_from · W_hh and,
 * with gate recurrence, dA = dG_from · R̃ — only for rows valid there, padded rows pass dh, dc and
 * dA through. Then (unless `finish`) the gate gradients of step s, as lstm-backward.ts in backend-cpu.
 */
function backwardProgram(dims: Dims, attrs: LstmAttrs, hasDy: boolean): string {
  const { B, T, H, GH } = dims;
  const { form, record, reverse } = attrs;
  const f = formCode(form, H, attrs.gateActivation === 'hardSigmoid');
  const fgr = form.gateRecurrence;
  const BH = B * H;
  const cOff = fgr ? 5 * BH : 2 * BH;
  const peep = (name: 'i' | 'f' | 'o') => `aux[${B + f.peep(name)}u + j]`;
  const has = (name: 'i' | 'f' | 'o') => f.learned.includes(name);
  const hasPeep = (name: 'i' | 'f' | 'o') => f.peep(name) >= 0;
  const dA = (q: number) => `state[${2 * BH}u + b * ${3 * H}u + ${q * H}u + j]`;
  const inputs = ['gates', 'cells', ...(hasDy ? ['dy'] : []), 'W', 'aux'];
  return `${header(['s: u32', 'source: u32', 'finish: u32'], inputs, record ? ['dG', 'state', 'steps'] : ['dG', 'state'])}
${f.functions}
${STEP_HELPERS(T, reverse)}
${MAIN_1D}
  if (i >= ${BH}u) { return; }
  let b = i / ${H}u;
  let j = i - b * ${H}u;
  if (u.source != ${NONE}u) {
    let tn = step_at(u.source);
    if (tn < length_of(b)) {
      let base = (b * ${T}u + tn) * ${GH}u;
      var d = 0.0;
      for (var k = 0u; k < ${GH}u; k++) { d += dG[base + k] * W[k * ${H}u + j]; }
      state[i] = d;
      ${
        fgr
          ? `for (var q = 0u; q < 3u; q++) {
        var e = 0.0;
        for (var k = 0u; k < ${GH}u; k++) { e += dG[base + k] * W[${GH * H}u + k * ${3 * H}u + q * ${H}u + j]; }
        state[${2 * BH}u + b * ${3 * H}u + q * ${H}u + j] = e;
      }`
          : ''
      }
    }
  }
  if (u.finish == 1u) { return; }
  let t = step_at(u.s);
  let len = length_of(b);
  let row = b * ${T}u + t;
  let p = row * ${GH}u;
  if (t >= len) {
    ${f.learned.map((name) => `dG[p + ${f.offset(name)}u + j] = 0.0;`).join(' ')}
    ${record ? `steps[row * ${H}u + j] = 0.0; steps[${B * T * H}u + row * ${H}u + j] = 0.0;` : ''}
    return;
  }
  let cT = cells[row * ${H}u + j];
  var cPrev = state[${cOff}u + i];
  if (!is_first(t, len)) { cPrev = cells[(b * ${T}u + previous_t(t)) * ${H}u + j]; }
  let dhT = state[i]${hasDy ? ` + dy[row * ${H}u + j]` : ''};
  let tc = squash_c(cT);
  var ig = ${f.iPin};
  var fg = ${f.fPin};
  ${has('i') ? `ig = gates[p + ${f.offset('i')}u + j];` : ''}
  ${has('f') ? `fg = gates[p + ${f.offset('f')}u + j];` : ''}
  ${form.i === 'complement' ? 'ig = 1.0 - fg;' : ''}
  ${form.f === 'complement' ? 'fg = 1.0 - ig;' : ''}
  let g = gates[p + ${f.offset('g')}u + j];
  var og = ${f.oPin};
  ${has('o') ? `og = gates[p + ${f.offset('o')}u + j];` : ''}
  let dIv = ${fgr ? dA(0) : '0.0'};
  let dFv = ${fgr ? dA(1) : '0.0'};
  let dOv = ${fgr ? dA(2) : '0.0'};
  let dOpre = ${has('o') ? '(dhT * tc + dOv) * act_grad(og)' : '0.0'};
  var dcT = state[${BH}u + i] + dhT * og * ${form.cellActivation === 'identity' ? '1.0' : '(1.0 - tc * tc)'};
  ${hasPeep('o') ? `dcT += dOpre * ${peep('o')};` : ''}
  var dcPrev = dcT * fg;
  ${
    has('i')
      ? `let dIpre = (${form.f === 'complement' ? 'dcT * (g - cPrev)' : 'dcT * g'} + dIv) * act_grad(ig);
  dG[p + ${f.offset('i')}u + j] = dIpre;
  ${hasPeep('i') ? `dcPrev += dIpre * ${peep('i')};` : ''}`
      : ''
  }
  ${
    has('f')
      ? `let dFpre = (${form.i === 'complement' ? 'dcT * (cPrev - g)' : 'dcT * cPrev'} + dFv) * act_grad(fg);
  dG[p + ${f.offset('f')}u + j] = dFpre;
  ${hasPeep('f') ? `dcPrev += dFpre * ${peep('f')};` : ''}`
      : ''
  }
  dG[p + ${f.offset('g')}u + j] = dcT * ig * ${form.inputActivation === 'identity' ? '1.0' : '(1.0 - g * g)'};
  ${has('o') ? `dG[p + ${f.offset('o')}u + j] = dOpre;` : ''}
  state[${BH}u + i] = dcPrev;
  ${record ? `steps[row * ${H}u + j] = dhT; steps[${B * T * H}u + row * ${H}u + j] = dcT;` : ''}
}`;
}

/** ∂L/∂p = Σ over valid (b, t) of dG's pre-activation gradient ⊙ the cell the peephole saw (c_{t−1} for i, f; c_t for o). */
function peepholeGradientProgram(dims: Dims, attrs: LstmAttrs, cOff: number): string {
  const { B, T, H, GH } = dims;
  const { gates } = lstmOffsets(attrs.form);
  const peepGates = lstmPeepholeGates(attrs.form);
  const cases = peepGates.map((name, q) => `if (q == ${q}u) { off = ${gates[name] * H}u; useCurrent = ${name === 'o'}; }`).join('\n  ');
  return `${header(['n: u32'], ['dG', 'cells', 'state', 'aux'], ['out'])}
${STEP_HELPERS(T, attrs.reverse)}
${MAIN_1D}
  if (i >= u.n) { return; }
  let q = i / ${H}u;
  let j = i - q * ${H}u;
  var off = 0u;
  var useCurrent = false;
  ${cases}
  var total = 0.0;
  for (var b = 0u; b < ${B}u; b++) {
    let len = length_of(b);
    for (var t = 0u; t < len; t++) {
      let row = b * ${T}u + t;
      var cell = cells[row * ${H}u + j];
      if (!useCurrent) {
        cell = state[${cOff}u + b * ${H}u + j];
        if (!is_first(t, len)) { cell = cells[(b * ${T}u + previous_t(t)) * ${H}u + j]; }
      }
      total += dG[row * ${GH}u + off + j] * cell;
    }
  }
  out[i] = total;
}`;
}

/** A[b, t] = (i, f, o) of the row's previous step (0 at its first step and where padded), for ∂L/∂R. */
function previousGatesProgram(dims: Dims, attrs: LstmAttrs): string {
  const { T, H, GH } = dims;
  const { gates } = lstmOffsets(attrs.form);
  return `${header(['n: u32'], ['gates', 'aux'], ['out'])}
${STEP_HELPERS(T, attrs.reverse)}
${MAIN_1D}
  if (i >= u.n) { return; }
  let bt = i / ${3 * H}u;
  let k = i - bt * ${3 * H}u;
  let q = k / ${H}u;
  let j = k - q * ${H}u;
  let b = bt / ${T}u;
  let t = bt - b * ${T}u;
  let len = length_of(b);
  if (t >= len || is_first(t, len)) { out[i] = 0.0; return; }
  var off = ${gates.i * H}u;
  if (q == 1u) { off = ${gates.f * H}u; }
  if (q == 2u) { off = ${gates.o * H}u; }
  out[i] = gates[(b * ${T}u + previous_t(t)) * ${GH}u + off + j];
}`;
}

export function lstmBackwardKernel(ctx: GpuContext) {
  const copy = copyKernel(ctx);
  const fill = fillKernel(ctx);
  return (inputs: LstmBackwardInputs, attrs: LstmAttrs): LstmBackwardOutputs => {
    const dims = dimsOf(inputs.x, inputs.weightHh);
    const { B, T, I, H, GH } = dims;
    const { form, record } = attrs;
    const fgr = form.gateRecurrence;
    const BH = B * H;
    const rows = B * T;
    const scratch = new Scratch(ctx);
    const result: LstmBackwardOutputs = {
      dx: output(ctx, [B, T, I]),
      dh0: output(ctx, [B, H]),
      dc0: output(ctx, [B, H]),
      dWeightIh: output(ctx, [GH, I]),
      dWeightHh: output(ctx, [GH, H]),
      dBiasIh: output(ctx, [GH]),
      dBiasHh: output(ctx, [GH]),
    };
    if (form.peephole) result.dPeephole = output(ctx, inputs.peephole!.shape);
    if (fgr) result.dGateRecurrence = output(ctx, [3 * H, 3 * H]);
    if (record) {
      result.dhSteps = output(ctx, [B, T, H]);
      result.dcSteps = output(ctx, [B, T, H]);
    }
    const buffer = (name: keyof LstmBackwardOutputs) => bufferOf(result[name]!);
    const W = packWeights(
      ctx,
      scratch,
      bufferOf(inputs.weightHh),
      inputs.gateRecurrence && bufferOf(inputs.gateRecurrence),
      dims,
      form,
      false,
    );
    const { aux } = auxBuffer(ctx, scratch, attrs.lengths, dims, [form.peephole ? inputs.peephole : undefined]);
    const cOff = fgr ? 5 * BH : 2 * BH;
    const state = scratch.take(cOff + BH);
    fill(state, cOff + BH, 0);
    if (inputs.dh) copy(bufferOf(inputs.dh), state, BH);
    if (inputs.dc) copy(bufferOf(inputs.dc), state, BH, 0, BH);
    copy(bufferOf(inputs.c0), state, BH, 0, cOff);
    const dG = scratch.take(rows * GH);
    const steps = record ? scratch.take(2 * rows * H) : undefined;
    const key = `lstm.backward.${JSON.stringify([dims, form, attrs.gateActivation, attrs.reverse, record, inputs.dy !== undefined])}`;
    const code = () => backwardProgram(dims, attrs, inputs.dy !== undefined);
    const bound = [bufferOf(inputs.gates), bufferOf(inputs.cells), ...(inputs.dy ? [bufferOf(inputs.dy)] : []), W, aux];
    const outs = [dG, state, ...(steps ? [steps] : [])];
    recordBackwardSteps(ctx, { key, code }, dims, bound, outs);
    copy(state, buffer('dh0'), BH);
    copy(state, buffer('dc0'), BH, BH);
    const hPrev = scratch.take(rows * H);
    previousStates(ctx, bufferOf(inputs.y), bufferOf(inputs.h0), aux, hPrev, dims, attrs.reverse);
    weightGradients(ctx, dG, dG, inputs.x, inputs.weightIh, hPrev, dims, {
      dx: buffer('dx'),
      dWeightIh: buffer('dWeightIh'),
      dWeightHh: buffer('dWeightHh'),
      dBiasIh: buffer('dBiasIh'),
      dBiasHh: buffer('dBiasHh'),
    });
    if (result.dPeephole) {
      const n = result.dPeephole.shape[0]!;
      ctx.dispatch({
        key: `lstm.dPeephole.${JSON.stringify([dims, form, attrs.reverse])}`,
        code: () => peepholeGradientProgram(dims, attrs, cOff),
        params: params(n),
        inputs: [dG, bufferOf(inputs.cells), state, aux],
        outputs: [buffer('dPeephole')],
        workgroups: grid1d(n),
      });
    }
    if (fgr) {
      const aPrev = scratch.take(rows * 3 * H);
      ctx.dispatch({
        key: `lstm.previousGates.${JSON.stringify([dims, form, attrs.reverse])}`,
        code: () => previousGatesProgram(dims, attrs),
        params: params(rows * 3 * H),
        inputs: [bufferOf(inputs.gates), aux],
        outputs: [aPrev],
        workgroups: grid1d(rows * 3 * H),
      });
      const wide = scratch.take(GH * 3 * H);
      recordMatMul(ctx, dG, aPrev, wide, { M: GH, N: 3 * H, K: rows }, true, false);
      const { gates } = lstmOffsets(form);
      [gates.i, gates.f, gates.o].forEach((block, q) => {
        copy(wide, buffer('dGateRecurrence'), 3 * H * H, block * 3 * H * H, q * 3 * H * H);
      });
    }
    if (steps) {
      copy(steps, buffer('dhSteps'), rows * H);
      copy(steps, buffer('dcSteps'), rows * H, rows * H);
    }
    scratch.release();
    return result;
  };
}
