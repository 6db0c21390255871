import type { LstmAttrs, LstmForm, LstmForwardInputs, LstmForwardOutputs } from '@lstm/core';
import { lstmOffsets } from '@lstm/core';
import type { GpuContext } from '../context.js';
import { copyKernel, fillKernel } from './elementwise.js';
import { auxBuffer, type Dims, dimsOf, gateFunctions, projectInputs, recordForwardSteps, Scratch, STEP_HELPERS } from './sequence.js';
import { MAIN_1D, bufferOf, grid1d, header, output, params } from './wgsl.js';

/**
 * Fused LSTM, every form of the cell registry (core's lstm-form.ts) and both gate activations,
 * generated per form: the same maths, in the same order, as backend-cpu's lstm-forward.ts and
 * lstm-backward.ts. Buffers a step reads (see sequence.ts):
 *   W      forward: W_hhᵀ [H, G·H] then R̃ᵀ [3H, G·H] (FGR);  backward: W_hh [G·H, H] then R̃ [G·H, 3H]
 *   aux    lengths [B], then the peepholes
 *   state  forward: h [B·H], c [B·H], the previous gates a = (i, f, o) [B·3H] (FGR), ping-ponged;
 *          backward: dh, dc, dA (FGR), c0 — each thread touches only its own (b, j)
 */

/** The form as WGSL constants and snippets: block offsets, pins, activations. */
export function formCode(form: LstmForm, H: number, hard: boolean) {
  const { gates, peephole } = lstmOffsets(form);
  const learned = (['i', 'f', 'g', 'o'] as const).filter((name) => gates[name] >= 0);
  const pin = (value: unknown) => (typeof value === 'number' ? value.toFixed(9) : '0.0');
  return {
    learned,
    offset: (name: 'i' | 'f' | 'g' | 'o') => gates[name] * H,
    peep: (name: 'i' | 'f' | 'o') => (peephole[name] >= 0 ? peephole[name] * H : -1),
    iPin: pin(form.i),
    fPin: pin(form.f),
    oPin: pin(form.o),
    functions: `${gateFunctions(hard)}
fn squash_g(x: f32) -> f32 { return ${form.inputActivation === 'identity' ? 'x' : 'tanh_exact(x)'}; }
fn squash_c(x: f32) -> f32 { return ${form.cellActivation === 'identity' ? 'x' : 'tanh_exact(x)'}; }`,
  };
}

/**
 * Four units per thread, read as vec4 (H a multiple of 4, no gate recurrence): each h_{t−1}
 * value read once serves four units, each weight load brings four; per unit the sums run in the
 * same order as with one unit per thread, so the results are the same bits.
 */
export const forwardIsWide = (dims: Dims, form: LstmForm) => !form.gateRecurrence && dims.H % 4 === 0;

function forwardProgram(dims: Dims, attrs: LstmAttrs): string {
  const { B, T, H, GH } = dims;
  const { form, record, reverse } = attrs;
  const f = formCode(form, H, attrs.gateActivation === 'hardSigmoid');
  const fgr = form.gateRecurrence;
  const wide = forwardIsWide(dims, form);
  const BH = B * H;
  const peepOffset = B; // in aux
  const gateDot = f.learned
    .filter((name) => name !== 'g')
    .map((name) => `pre_${name} += am * W[w + ${f.offset(name)}u];`)
    .join(' ');
  const peep = (name: 'i' | 'f' | 'o', cell: string) => (f.peep(name) >= 0 ? ` + aux[${peepOffset + f.peep(name)}u + j] * ${cell}` : '');
  const has = (name: 'i' | 'f' | 'o') => f.learned.includes(name);
  // A padded row past its length keeps its state; `leave` ends the unit's work (return, or continue when a thread has four).
  const masked = (leave: string) => `if (t >= length_of(b)) {
    next[i] = prev[i];
    next[${BH}u + i] = prev[${BH}u + i];
    ${fgr ? `for (var q = 0u; q < 3u; q++) { next[${2 * BH}u + b * ${3 * H}u + q * ${H}u + j] = prev[${2 * BH}u + b * ${3 * H}u + q * ${H}u + j]; }` : ''}
    y[row * ${H}u + j] = 0.0;
    ${record ? `${f.learned.map((name) => `gates[row * ${GH}u + ${f.offset(name)}u + j] = 0.0;`).join(' ')} cells[row * ${H}u + j] = prev[${BH}u + i];` : ''}
    ${leave}
  }
  let cPrev = prev[${BH}u + i];`;
  const gateMaths = `
  ${fgr ? `for (var m = 0u; m < ${3 * H}u; m++) { let am = prev[${2 * BH}u + b * ${3 * H}u + m]; let w = ${H * GH}u + m * ${GH}u + j; ${gateDot} }` : ''}
  var ig = ${f.iPin};
  var fg = ${f.fPin};
  ${has('i') ? `ig = act(pre_i${peep('i', 'cPrev')});` : ''}
  ${has('f') ? `fg = act(pre_f${peep('f', 'cPrev')});` : ''}
  ${form.i === 'complement' ? 'ig = 1.0 - fg;' : ''}
  ${form.f === 'complement' ? 'fg = 1.0 - ig;' : ''}
  let g = squash_g(pre_g);
  let c = fg * cPrev + ig * g;
  var og = ${f.oPin};
  ${has('o') ? `og = act(pre_o${peep('o', 'c')});` : ''}
  let h = og * squash_c(c);
  next[i] = h;
  next[${BH}u + i] = c;
  ${fgr ? `next[${2 * BH}u + b * ${3 * H}u + j] = ig; next[${2 * BH}u + b * ${3 * H}u + ${H}u + j] = fg; next[${2 * BH}u + b * ${3 * H}u + ${2 * H}u + j] = og;` : ''}
  y[row * ${H}u + j] = h;
  ${
    record
      ? `${has('i') ? `gates[row * ${GH}u + ${f.offset('i')}u + j] = ig;` : ''} ${has('f') ? `gates[row * ${GH}u + ${f.offset('f')}u + j] = fg;` : ''}
  gates[row * ${GH}u + ${f.offset('g')}u + j] = g; ${has('o') ? `gates[row * ${GH}u + ${f.offset('o')}u + j] = og;` : ''}
  cells[row * ${H}u + j] = c;`
      : ''
  }`;
  const outputs = record ? ['next', 'y', 'gates', 'cells'] : ['next', 'y'];
  const prelude = `${f.functions}
${STEP_HELPERS(T, reverse)}
${MAIN_1D}`;
  if (!wide) {
    return `${header(['s: u32'], ['P', 'W', 'aux', 'prev'], outputs)}
${prelude}
  if (i >= ${BH}u) { return; }
  let b = i / ${H}u;
  let j = i - b * ${H}u;
  let t = step_at(u.s);
  let row = b * ${T}u + t;
  ${masked('return;')}
  ${f.learned.map((name) => `var pre_${name} = P[row * ${GH}u + ${f.offset(name)}u + j];`).join('\n  ')}
  for (var m = 0u; m < ${H}u; m++) {
    let hm = prev[b * ${H}u + m];
    let w = m * ${GH}u + j;
    ${f.learned.map((name) => `pre_${name} += hm * W[w + ${f.offset(name)}u];`).join(' ')}
  }
  ${gateMaths}
}`;
  }
  const [H4, GH4] = [H / 4, GH / 4];
  const at4 = (name: 'i' | 'f' | 'g' | 'o') => f.offset(name) / 4;
  return `${header(['s: u32'], ['P: array<vec4<f32>>', 'W: array<vec4<f32>>', 'aux', 'prev'], outputs)}
${prelude}
  if (i >= ${BH / 4}u) { return; }
  let b = i / ${H4}u;
  let j4 = i - b * ${H4}u;
  let t = step_at(u.s);
  let row = b * ${T}u + t;
  ${f.learned.map((name) => `var acc_${name} = P[row * ${GH4}u + ${at4(name)}u + j4];`).join('\n  ')}
  if (t < length_of(b)) {
    for (var m = 0u; m < ${H}u; m++) {
      let hm = prev[b * ${H}u + m];
      let w = m * ${GH4}u + j4;
      ${f.learned.map((name) => `acc_${name} += hm * W[w + ${at4(name)}u];`).join(' ')}
    }
  }
  for (var q = 0u; q < 4u; q++) {
    let j = j4 * 4u + q;
    let i = b * ${H}u + j;
    ${masked('continue;')}
    ${f.learned.map((name) => `var pre_${name} = acc_${name}[q];`).join(' ')}
    ${gateMaths}
  }
}`;
}

/** Packs W_hh (and R̃ for FGR) for the steps: transposed for the forward, as stored for the backward. */
export function packWeights(
  ctx: GpuContext,
  scratch: Scratch,
  weightHh: GPUBuffer,
  R: GPUBuffer | undefined,
  dims: Dims,
  form: LstmForm,
  transposed: boolean,
): GPUBuffer {
  const { H, GH } = dims;
  const { gates } = lstmOffsets(form);
  const size = GH * H + (R ? GH * 3 * H : 0);
  const W = scratch.take(size);
  // Row r of R̃ (packed rows) is row q·H + (r − block·H) of R for the blocks of i, f, o (q = 0, 1, 2); g's block is 0.
  const rSource = `fn r_tilde(r: u32, m: u32) -> f32 {
  let block = r / ${H}u;
  let within = r - block * ${H}u;
  var q = 3u;
  if (block == ${gates.i}u) { q = 0u; }
  if (block == ${gates.f}u) { q = 1u; }
  if (block == ${gates.o}u) { q = 2u; }
  if (q == 3u) { return 0.0; }
  return R[(q * ${H}u + within) * ${3 * H}u + m];
}`;
  ctx.dispatch({
    key: `lstm.pack.${H}.${GH}.${R !== undefined}.${transposed}.${gates.i}${gates.f}${gates.o}`,
    code: () => `${header(['n: u32'], R ? ['Whh', 'R'] : ['Whh'], ['W'])}
${R ? rSource : ''}
${MAIN_1D}
  if (i >= u.n) { return; }
  if (i < ${GH * H}u) {
    ${transposed ? `let m = i / ${GH}u; let r = i - m * ${GH}u; W[i] = Whh[r * ${H}u + m];` : 'W[i] = Whh[i];'}
    return;
  }
  ${R ? `let k = i - ${GH * H}u; ${transposed ? `let m = k / ${GH}u; let r = k - m * ${GH}u;` : `let r = k / ${3 * H}u; let m = k - r * ${3 * H}u;`} W[i] = r_tilde(r, m);` : ''}
}`,
    params: params(size),
    inputs: R ? [weightHh, R] : [weightHh],
    outputs: [W],
    workgroups: grid1d(size),
  });
  return W;
}

export function lstmForwardKernel(ctx: GpuContext) {
  const copy = copyKernel(ctx);
  return (inputs: LstmForwardInputs, attrs: LstmAttrs): LstmForwardOutputs => {
    const dims = dimsOf(inputs.x, inputs.weightHh);
    const { B, T, H, GH } = dims;
    const { form, record } = attrs;
    const scratch = new Scratch(ctx);
    const y = output(ctx, [B, T, H]);
    const h = output(ctx, [B, H]);
    const c = output(ctx, [B, H]);
    const gates = record ? output(ctx, [B, T, GH]) : undefined;
    const cells = record ? output(ctx, [B, T, H]) : undefined;
    if (B * H > 0) {
      const P = projectInputs(ctx, scratch, inputs.x, inputs.weightIh, inputs.biasIh, inputs.biasHh, dims);
      const W = packWeights(
        ctx,
        scratch,
        bufferOf(inputs.weightHh),
        inputs.gateRecurrence && bufferOf(inputs.gateRecurrence),
        dims,
        form,
        true,
      );
      const { aux } = auxBuffer(ctx, scratch, attrs.lengths, dims, [form.peephole ? inputs.peephole : undefined]);
      const stateSize = B * H * (form.gateRecurrence ? 5 : 2);
      const states = [scratch.take(stateSize), scratch.take(stateSize)] as const;
      if (form.gateRecurrence) fillKernel(ctx)(states[0], stateSize, 0); // a = 0 before the first step
      copy(bufferOf(inputs.h0), states[0], B * H);
      copy(bufferOf(inputs.c0), states[0], B * H, 0, B * H);
      const key = `lstm.forward.${JSON.stringify([dims, form, attrs.gateActivation, attrs.reverse, record])}`;
      const code = () => forwardProgram(dims, attrs);
      const outs = record ? [y.handle.buffer, gates!.handle.buffer, cells!.handle.buffer] : [y.handle.buffer];
      const threads = forwardIsWide(dims, form) ? (B * H) / 4 : B * H;
      const last = recordForwardSteps(ctx, { key, code }, dims, [P, W, aux], states, outs, grid1d(threads));
      copy(last, h.handle.buffer, B * H);
      copy(last, c.handle.buffer, B * H, B * H);
    }
    scratch.release();
    return { y, h, c, ...(record ? { gates, cells } : {}) };
  };
}
