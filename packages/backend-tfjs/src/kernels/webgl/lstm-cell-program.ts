import type { GateActivation, LstmVariant } from '@lstm/core';
import type { GPGPUProgram, MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import { tf } from '../../tf.js';

// Custom WebGL programs for the LSTM's per-step element-wise work. Each program is one draw
// call over its output; every output element recomputes its unit's cell from the inputs
// (a handful of flops), so no intermediate texture is written. Programs are cached by tfjs
// under their source, which bakes in H, the variant and whether masks/peepholes are present.

/** GLSL helpers: the gate squashing (σ or hardSigmoid) and its derivative from the gate's value. */
const helpers = (hard: boolean) => `
float sigm(float v) { return ${hard ? 'clamp(0.2 * v + 0.5, 0.0, 1.0)' : '1.0 / (1.0 + exp(-v))'}; }
float sigmGrad(float s) { return ${hard ? '(s > 0.0 && s < 1.0) ? 0.2 : 0.0' : 's * (1.0 - s)'}; }
float tanhSafe(float v) { float e = exp(-2.0 * abs(v)); return sign(v) * (1.0 - e) / (1.0 + e); }
`;

interface Layout {
  H: number;
  variant: LstmVariant;
  hard: boolean;
  masked: boolean;
  peephole: boolean;
}

/** GLSL computing i, f, g, o, c_t and h_t of unit (b, j) from pre [B, G·H] and cPrev [B, H]. */
function cellSource({ H, variant, peephole }: Layout): string {
  if (variant === 'coupled') {
    return `
      float cp = getCPrev(b, j);
      float gf = sigm(getPre(b, j));
      float gg = tanhSafe(getPre(b, j + ${H}));
      float go = sigm(getPre(b, j + ${2 * H}));
      float gi = 1.0 - gf;
      float cn = gf * cp + gi * gg;
      float hn = go * tanhSafe(cn);`;
  }
  const peep = (k: number, c: string) => (peephole ? ` + getPeephole(j + ${k * H}) * ${c}` : '');
  return `
      float cp = getCPrev(b, j);
      float gi = sigm(getPre(b, j)${peep(0, 'cp')});
      float gf = sigm(getPre(b, j + ${H})${peep(1, 'cp')});
      float gg = tanhSafe(getPre(b, j + ${2 * H}));
      float cn = gf * cp + gi * gg;
      float go = sigm(getPre(b, j + ${3 * H})${peep(2, 'cn')});
      float hn = go * tanhSafe(cn);`;
}

/** The inputs a program takes only when the step has masks or the cell peepholes, in that order. */
const optionalInputs = (layout: Layout) => [...(layout.masked ? ['Mask'] : []), ...(layout.peephole ? ['Peephole'] : [])];
const BACKWARD_INPUTS = ['Dh', 'Dc', 'Gates', 'CPrev', 'CT'];

const validStep = (masked: boolean) => (masked ? 'getMask(b, 0) > 0.5' : 'true');

/**
 * A [2, B, H] program: unit (b, j) computes `source` and writes `rows[0]` into row 0 and
 * `rows[1]` into row 1 (GLSL expressions that may use `valid`, false on padded rows). Both
 * halves are read back as contiguous rows without a copy (`row`).
 */
function pairProgram(names: string[], layout: Layout, B: number, source: string, rows: [string, string]): GPGPUProgram {
  return {
    variableNames: names,
    outputShape: [2, B, layout.H],
    userCode: `${helpers(layout.hard)}
    void main() {
      ivec3 rc = getOutputCoords();
      int b = rc.y; int j = rc.z;
      ${source}
      bool valid = ${validStep(layout.masked)};
      setOutput(rc.x == 0 ? (${rows[0]}) : (${rows[1]}));
    }`,
  };
}

/** [2, B, H]: row 0 the new c, row 1 the new h (padded rows keep c_{t−1}, h_{t−1}). */
function stateProgram(layout: Layout, B: number): GPGPUProgram {
  const names = ['Pre', 'CPrev', 'HPrev', ...optionalInputs(layout)];
  return pairProgram(names, layout, B, cellSource(layout), ['valid ? cn : cp', 'valid ? hn : getHPrev(b, j)']);
}

/**
 * A [B, G·H] program: unit (b, j) of gate block k computes `source` and writes the variable
 * `perGate[k]` (0 on padded rows). The gates and their gradients are both laid out so.
 */
function packedGatesProgram(names: string[], layout: Layout, B: number, source: string, perGate: string[]): GPGPUProgram {
  return {
    variableNames: names,
    outputShape: [B, perGate.length * layout.H],
    userCode: `${helpers(layout.hard)}
    void main() {
      ivec2 rc = getOutputCoords();
      int b = rc.x; int k = rc.y / ${layout.H}; int j = rc.y - k * ${layout.H};
      ${source}
      float value = ${perGate.map((name, k) => `k == ${k} ? ${name} : `).join('')}0.0;
      setOutput(${validStep(layout.masked)} ? value : 0.0);
    }`,
  };
}

/** [B, G·H]: the post-activation gates as the contract packs them (0 on padded rows). */
function gatesProgram(layout: Layout, B: number): GPGPUProgram {
  const order = layout.variant === 'coupled' ? ['gf', 'gg', 'go'] : ['gi', 'gf', 'gg', 'go'];
  return packedGatesProgram(['Pre', 'CPrev', ...optionalInputs(layout)], layout, B, cellSource(layout), order);
}

function run(program: GPGPUProgram, inputs: tf.Tensor[]): tf.Tensor {
  const backend = tf.backend() as MathBackendWebGL;
  return tf.engine().makeTensorFromTensorInfo(backend.compileAndRun(program, inputs));
}

/** Row r of a [2, B, H] result as [B, H]: a contiguous slice, which tfjs's WebGL takes without a copy. */
function row(pair: tf.Tensor, r: number): tf.Tensor {
  const [, B, H] = pair.shape as [number, number, number];
  return tf.reshape(tf.slice(pair, [r, 0, 0], [1, B, H]), [B, H]);
}

/** The forward step's element-wise work on WebGL: one program for (c, h), one for the gates (when recorded). */
export function lstmCellProgram(
  pre: tf.Tensor,
  cPrev: tf.Tensor,
  hPrev: tf.Tensor,
  mask: tf.Tensor | null,
  peephole: tf.Tensor[] | null,
  variant: LstmVariant,
  record: boolean,
  gateActivation: GateActivation | undefined,
) {
  const [B, H] = cPrev.shape as [number, number];
  const layout: Layout = { H, variant, hard: gateActivation === 'hardSigmoid', masked: mask !== null, peephole: peephole !== null };
  const extra = [...(mask ? [mask] : []), ...(peephole ? [tf.concat(peephole)] : [])];
  const state = run(stateProgram(layout, B), [pre, cPrev, hPrev, ...extra]);
  const gates = record ? run(gatesProgram(layout, B), [pre, cPrev, ...extra]) : null;
  return { c: row(state, 0), h: row(state, 1), gates };
}

/** GLSL of the backward step for unit (b, j): dcT, the pre-activation gradients, dcPrev. */
function backwardSource({ H, variant, peephole }: Layout): string {
  const coupled = variant === 'coupled';
  const gate = (k: number) => `getGates(b, j + ${k * H})`;
  const [gi, gf, gg, go] = coupled ? ['(1.0 - gf)', gate(0), gate(1), gate(2)] : [gate(0), gate(1), gate(2), gate(3)];
  const p = (k: number) => `getPeephole(j + ${k * H})`;
  return `
      float gf = ${gf}; float gi = ${gi}; float gg = ${gg}; float go = ${go};
      float cp = getCPrev(b, j); float ct = getCT(b, j);
      float dh = getDh(b, j); float dcNext = getDc(b, j);
      float tc = tanhSafe(ct);
      float dO = dh * tc * sigmGrad(go);
      float dct = dcNext + dh * go * (1.0 - tc * tc)${peephole ? ` + dO * ${p(2)}` : ''};
      float dG = dct * gi * (1.0 - gg * gg);
      ${
        coupled
          ? 'float dF = dct * (cp - gg) * sigmGrad(gf); float dI = 0.0;'
          : 'float dI = dct * gg * sigmGrad(gi); float dF = dct * cp * sigmGrad(gf);'
      }
      float dcp = dct * gf${peephole ? ` + dI * ${p(0)} + dF * ${p(1)}` : ''};`;
}

/** [B, G·H]: the pre-activation gradients (0 on padded rows). */
function gateGradientProgram(layout: Layout, B: number): GPGPUProgram {
  const order = layout.variant === 'coupled' ? ['dF', 'dG', 'dO'] : ['dI', 'dF', 'dG', 'dO'];
  return packedGatesProgram(BACKWARD_INPUTS.concat(optionalInputs(layout)), layout, B, backwardSource(layout), order);
}

/** [2, B, H]: row 0 the total ∂L/∂c_t (0 on padded rows), row 1 ∂L/∂c_{t−1} (padded rows pass dc on). */
function cellGradientProgram(layout: Layout, B: number): GPGPUProgram {
  return pairProgram(BACKWARD_INPUTS.concat(optionalInputs(layout)), layout, B, backwardSource(layout), [
    'valid ? dct : 0.0',
    'valid ? dcp : dcNext',
  ]);
}

/** The backward step's element-wise work on WebGL: one program for dG, one for (dc_t, dc_{t−1}). */
export function lstmCellBackwardProgram(
  dhT: tf.Tensor,
  dc: tf.Tensor,
  gates: tf.Tensor,
  cPrev: tf.Tensor,
  cT: tf.Tensor,
  mask: tf.Tensor | null,
  peephole: tf.Tensor[] | null,
  variant: LstmVariant,
  gateActivation: GateActivation | undefined,
) {
  const [B, H] = cT.shape as [number, number];
  const layout: Layout = { H, variant, hard: gateActivation === 'hardSigmoid', masked: mask !== null, peephole: peephole !== null };
  const inputs = [dhT, dc, gates, cPrev, cT, ...(mask ? [mask] : []), ...(peephole ? [tf.concat(peephole)] : [])];
  const dG = run(gateGradientProgram(layout, B), inputs);
  const cells = run(cellGradientProgram(layout, B), inputs);
  let peepholeTerms: tf.Tensor[] | null = null;
  if (peephole) {
    const [dI, dF, , dO] = tf.split(dG, 4, 1) as tf.Tensor[];
    peepholeTerms = [tf.mul(dI!, cPrev), tf.mul(dF!, cPrev), tf.mul(dO!, cT)];
  }
  return { dG, dcT: row(cells, 0), dcPrev: row(cells, 1), peepholeTerms };
}
