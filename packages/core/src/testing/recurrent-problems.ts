import type { DType } from '../dtype.js';
import type { GateActivation, LstmForm, LstmVariant, RnnNonlinearity } from '../kernel-names.js';
import { lstmFormOf, lstmPeepholeGates } from '../lstm-form.js';
import { tensor } from '../ops/create.js';
import { gateCount, gruBackward, gruForward, lstmBackward, lstmForward, rnnBackward, rnnForward } from '../ops/recurrent.js';
import { Rng } from '../random.js';
import { referenceKernels } from '../reference/index.js';
import type { Tensor } from '../tensor.js';

/** A recurrent kernel family and variant, as the conformance suite enumerates them. */
export interface CellCase {
  cell: 'lstm' | 'gru' | 'rnn';
  variant?: LstmVariant;
  /** An LSTM form that no variant names (pinned gates), with its name for the test titles. */
  form?: { name: string; form: LstmForm };
  nonlinearity?: RnnNonlinearity;
  /** LSTM and GRU gates: absent = σ. */
  gateActivation?: GateActivation;
}

export const CELL_CASES: readonly CellCase[] = [
  { cell: 'lstm', variant: 'standard' },
  { cell: 'lstm', variant: 'peephole' },
  { cell: 'lstm', variant: 'coupled' },
  { cell: 'lstm', variant: 'standard', gateActivation: 'hardSigmoid' },
  { cell: 'lstm', variant: 'coupled', gateActivation: 'hardSigmoid' },
  // Greff et al.'s variants (each the peephole cell with one change) and pinned gates.
  { cell: 'lstm', variant: 'nig' },
  { cell: 'lstm', variant: 'nfg' },
  { cell: 'lstm', variant: 'nog' },
  { cell: 'lstm', variant: 'niaf' },
  { cell: 'lstm', variant: 'noaf' },
  { cell: 'lstm', variant: 'cifg' },
  { cell: 'lstm', variant: 'cifg', gateActivation: 'hardSigmoid' },
  { cell: 'lstm', variant: 'fgr' },
  { cell: 'lstm', form: { name: 'fgr without peepholes', form: { ...lstmFormOf('standard'), gateRecurrence: true } } },
  { cell: 'lstm', form: { name: 'pin f=0.5 o=1', form: { ...lstmFormOf('standard'), f: 0.5, o: 1 } } },
  { cell: 'lstm', form: { name: 'peephole, pin i=0', form: { ...lstmFormOf('peephole'), i: 0 } } },
  { cell: 'gru' },
  { cell: 'gru', gateActivation: 'hardSigmoid' },
  { cell: 'rnn', nonlinearity: 'tanh' },
  { cell: 'rnn', nonlinearity: 'relu' },
];

export function caseName(c: CellCase): string {
  const gates = c.gateActivation === 'hardSigmoid' ? '+hardSigmoid' : '';
  return c.cell === 'lstm' ? `lstm/${c.form?.name ?? c.variant}${gates}` : c.cell === 'rnn' ? `rnn/${c.nonlinearity}` : `gru${gates}`;
}

/** Named flat arrays (float64) and shapes of one random problem. */
export interface Problem {
  readonly case: CellCase;
  readonly dims: { B: number; T: number; I: number; H: number };
  readonly values: Record<string, Float64Array>;
  readonly shapes: Record<string, number[]>;
}

export function makeProblem(c: CellCase, dims: { B: number; T: number; I: number; H: number }, seed: number, scale = 0.5): Problem {
  const rng = new Rng(seed);
  const { B, T, I, H } = dims;
  const G = gateCount(c.cell, lstmFormOfCase(c));
  const shapes: Record<string, number[]> = {
    x: [B, T, I],
    weightIh: [G * H, I],
    weightHh: [G * H, H],
    biasIh: [G * H],
    biasHh: [G * H],
    h0: [B, H],
    dy: [B, T, H],
    dh: [B, H],
  };
  if (c.cell === 'lstm') {
    shapes.c0 = [B, H];
    shapes.dc = [B, H];
  }
  const peepholes = c.cell === 'lstm' ? lstmPeepholeGates(lstmFormOfCase(c)).length : 0;
  if (peepholes > 0) shapes.peephole = [peepholes * H];
  if (c.cell === 'lstm' && lstmFormOfCase(c).gateRecurrence) shapes.gateRecurrence = [3 * H, 3 * H];
  const values: Record<string, Float64Array> = {};
  for (const [name, shape] of Object.entries(shapes)) {
    const size = shape.reduce((p, d) => p * d, 1);
    // hardSigmoid saturates only beyond |x| = 2.5: larger weights put pre-activations in both clipped ranges.
    const spread = c.gateActivation === 'hardSigmoid' ? 3 * scale : scale;
    values[name] = Float64Array.from({ length: size }, () => rng.uniform(-spread, spread) * (name === 'x' ? 2 : 1));
  }
  return { case: c, dims, values, shapes };
}

/** An LSTM case's form (the standard form for the other cells, which ignore it). */
export function lstmFormOfCase(c: CellCase): LstmForm {
  return c.form?.form ?? lstmFormOf(c.variant ?? 'standard');
}

/** A problem's tensors: inputs, weights and initial state, incoming gradients (c0, dc: LSTM; peephole: its variant). */
export interface ProblemTensors {
  x: Tensor;
  weightIh: Tensor;
  weightHh: Tensor;
  biasIh: Tensor;
  biasHh: Tensor;
  h0: Tensor;
  dy: Tensor;
  dh: Tensor;
  c0?: Tensor;
  dc?: Tensor;
  peephole?: Tensor;
  gateRecurrence?: Tensor;
}

/** An LSTM problem's cell state (its tensors always have one). */
function cellState(t: ProblemTensors): Tensor {
  if (!t.c0) throw new Error('an LSTM problem without c0');
  return t.c0;
}

export function toTensors(problem: Problem, dtype: DType, override: Record<string, Float64Array> = {}): ProblemTensors {
  const out: Record<string, Tensor> = {};
  for (const [name, shape] of Object.entries(problem.shapes)) {
    const values = override[name] ?? problem.values[name];
    if (!values) throw new Error(`problem ${caseName(problem.case)} has no values for '${name}'`);
    out[name] = tensor(dtype === 'float64' ? values : Float32Array.from(values), shape, dtype);
  }
  return out as unknown as ProblemTensors;
}

export interface RunOptions {
  reverse?: boolean;
  lengths?: Int32Array | null;
  record?: boolean;
  /** Run core's reference composition instead of the backend's kernel. */
  reference?: boolean;
}

type Outputs = Record<string, Tensor | undefined>;

/** The gate activation attribute of LSTM and GRU cases (RNN kernels take none). */
const gatesOf = (c: CellCase) => (c.cell === 'rnn' ? {} : { gateActivation: c.gateActivation ?? ('sigmoid' as const) });

/** A problem's weights as the fused ops take them. */
function weightsOf(t: ProblemTensors) {
  return {
    weightIh: t.weightIh,
    weightHh: t.weightHh,
    biasIh: t.biasIh,
    biasHh: t.biasHh,
    peephole: t.peephole,
    gateRecurrence: t.gateRecurrence,
  };
}

/** Forward of the problem's cell through the op (backend kernel) or the reference composition. */
export function runForward(problem: Problem, t: ProblemTensors, options: RunOptions): Outputs {
  const c = problem.case;
  const weights = weightsOf(t);
  const attrs = { reverse: options.reverse ?? false, lengths: options.lengths ?? null, record: options.record ?? true, ...gatesOf(c) };
  if (c.cell === 'lstm') {
    if (options.reference)
      return referenceKernels.LstmForward({ x: t.x, ...weights, h0: t.h0, c0: cellState(t) }, { ...attrs, form: lstmFormOfCase(c) });
    return lstmForward(t.x, weights, t.h0, t.c0!, { ...attrs, form: lstmFormOfCase(c) });
  }
  if (c.cell === 'gru') {
    if (options.reference) return referenceKernels.GruForward({ x: t.x, ...weights, h0: t.h0 }, attrs);
    return gruForward(t.x, weights, t.h0, attrs);
  }
  if (options.reference) return referenceKernels.RnnForward({ x: t.x, ...weights, h0: t.h0 }, { ...attrs, nonlinearity: c.nonlinearity! });
  return rnnForward(t.x, weights, t.h0, { ...attrs, nonlinearity: c.nonlinearity });
}

/** Backward with dy, dh (and dc) from the problem as incoming gradients. */
export function runBackward(problem: Problem, t: ProblemTensors, forward: Outputs, options: RunOptions): Outputs {
  const c = problem.case;
  const weights = weightsOf(t);
  const attrs = { reverse: options.reverse ?? false, lengths: options.lengths ?? null, record: options.record ?? false, ...gatesOf(c) };
  const grads = { dy: t.dy, dh: t.dh, dc: t.dc };
  if (c.cell === 'lstm') {
    const saved = { y: forward.y!, gates: forward.gates!, cells: forward.cells! };
    if (options.reference) {
      return referenceKernels.LstmBackward(
        { x: t.x, ...weightsOf(t), h0: t.h0, c0: cellState(t), ...saved, ...grads },
        { ...attrs, form: lstmFormOfCase(c) },
      );
    }
    return lstmBackward(t.x, weights, t.h0, t.c0!, saved, grads, { ...attrs, form: lstmFormOfCase(c) });
  }
  if (c.cell === 'gru') {
    const saved = { y: forward.y!, gates: forward.gates!, hn: forward.hn! };
    if (options.reference) {
      return referenceKernels.GruBackward(
        { x: t.x, weightIh: t.weightIh, weightHh: t.weightHh, h0: t.h0, ...saved, dy: t.dy, dh: t.dh },
        attrs,
      );
    }
    return gruBackward(t.x, weights, t.h0, saved, { dy: t.dy, dh: t.dh }, attrs);
  }
  if (options.reference) {
    return referenceKernels.RnnBackward(
      { x: t.x, weightIh: t.weightIh, weightHh: t.weightHh, h0: t.h0, y: forward.y!, dy: t.dy, dh: t.dh },
      { ...attrs, nonlinearity: c.nonlinearity! },
    );
  }
  return rnnBackward(t.x, weights, t.h0, { y: forward.y! }, { dy: t.dy, dh: t.dh }, { ...attrs, nonlinearity: c.nonlinearity });
}

/** L = Σ y ⊙ dy + Σ h_T ⊙ dh (+ Σ c_T ⊙ dc): its gradient with respect to y, h_T, c_T is dy, dh, dc. */
export function probeLoss(problem: Problem, forward: Outputs): number {
  const dot = (a: Tensor | undefined, b: Float64Array | undefined) => {
    if (!a || !b) return 0;
    const values = a.readSync();
    let total = 0;
    for (let i = 0; i < values.length; i++) total += values[i]! * b[i]!;
    return total;
  };
  return dot(forward.y, problem.values.dy) + dot(forward.h, problem.values.dh) + dot(forward.c, problem.values.dc);
}

/** Which backward output is the gradient of which input. */
export const GRADIENT_OF: Record<string, string> = {
  x: 'dx',
  h0: 'dh0',
  c0: 'dc0',
  weightIh: 'dWeightIh',
  weightHh: 'dWeightHh',
  biasIh: 'dBiasIh',
  biasHh: 'dBiasHh',
  peephole: 'dPeephole',
  gateRecurrence: 'dGateRecurrence',
};
