import { engine } from '../engine.js';
import type { KernelResult } from '../kernel-types.js';
import { ShapeError, ValueError } from '../errors.js';
import type { GateActivation, LstmForm, LstmVariant, RecurrentAttrs, RnnNonlinearity } from '../kernel-names.js';
import { LSTM_VARIANTS, checkLstmForm, describeLstmForm, lstmFormOf, lstmGateRows, lstmPeepholeGates } from '../lstm-form.js';
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { gruBackwardReference, gruForwardReference } from '../reference/gru.js';
import { lstmBackwardReference, lstmForwardReference } from '../reference/lstm.js';
import { rnnBackwardReference, rnnForwardReference } from '../reference/rnn.js';

// The fallbacks are installed by the module that dispatches the kernels, not by a module
// imported for its side effects: a bundler honouring `sideEffects: false` keeps these lines
// whenever an op below is used (a side-effect-only module it would drop, leaving a backend
// without a fused kernel with nothing to run).
engine.setReference('LstmForward', lstmForwardReference);
engine.setReference('LstmBackward', lstmBackwardReference);
engine.setReference('GruForward', gruForwardReference);
engine.setReference('GruBackward', gruBackwardReference);
engine.setReference('RnnForward', rnnForwardReference);
engine.setReference('RnnBackward', rnnBackwardReference);

/**
 * Fused whole-sequence recurrent ops: one layer, one direction. They validate shapes once
 * (so every backend gets the same errors), then run the backend's fused kernel or core's
 * reference composition. Layouts are documented in kernel-names.ts.
 */

export interface RecurrentOptions {
  reverse?: boolean;
  /** Valid steps per batch row (1 ≤ length ≤ T); omitted = every row is T steps long. */
  lengths?: Int32Array | readonly number[] | null;
  /** Keep per-step activations (needed for backward, shown by introspection). */
  record?: boolean;
}

/**
 * One layer-direction's parameters, for every cell (layouts in kernel-names.ts): weightIh
 * [G·H, I], weightHh [G·H, H], biases [G·H]; `peephole` [P·H] for LSTM forms with peepholes only;
 * `gateRecurrence` [3H, 3H] for LSTM forms with full gate recurrence only.
 */
export interface RecurrentWeights {
  weightIh: Tensor;
  weightHh: Tensor;
  biasIh: Tensor;
  biasHh: Tensor;
  peephole?: Tensor;
  gateRecurrence?: Tensor;
}

/** @deprecated Use `RecurrentWeights` (the same type; it serves GRUs and RNNs too). */
export type LstmWeights = RecurrentWeights;

/** Gate blocks in the packed weights: 1 (RNN), 3 (GRU), an LSTM's learned gates (4 for nn.LSTM). */
export function gateCount(cell: 'lstm' | 'gru' | 'rnn', variant: LstmVariant | LstmForm = 'standard'): number {
  if (cell === 'rnn') return 1;
  if (cell === 'gru') return 3;
  return lstmGateRows(typeof variant === 'string' ? lstmFormOf(variant) : variant).length;
}

/** The options an LSTM op takes beyond the shared ones: a named variant, or a whole form (not both). */
export interface LstmOptions extends RecurrentOptions {
  variant?: LstmVariant;
  form?: LstmForm;
  gateActivation?: GateActivation;
}

function formOf(op: string, options: LstmOptions): LstmForm {
  if (options.form && options.variant) throw new ValueError(`${op}: give a variant or a form, not both`);
  if (options.form) return checkLstmForm(op, options.form);
  const variant = options.variant ?? 'standard';
  if (!Object.hasOwn(LSTM_VARIANTS, variant))
    throw new ValueError(`${op}: variant '${String(variant)}' is not one of ${Object.keys(LSTM_VARIANTS).join(', ')}`);
  return lstmFormOf(variant);
}

interface Dims {
  B: number;
  T: number;
  I: number;
  H: number;
}

function checkDims(op: string, x: Tensor, weights: RecurrentWeights, gates: number, h0: Tensor, c0?: Tensor): Dims {
  if (x.rank !== 3) throw new ShapeError(`${op}: input x must be [batch, time, features], got ${formatShape(x.shape)}`);
  const [B, T, I] = x.shape as [number, number, number];
  if (T === 0) throw new ShapeError(`${op}: input x has 0 time steps; sequences need at least one step`);
  const { weightIh, weightHh, biasIh, biasHh } = weights;
  if (weightHh.rank !== 2) throw new ShapeError(`${op}: weightHh must be [${gates}·H, H], got ${formatShape(weightHh.shape)}`);
  const H = weightHh.shape[1]!;
  const expect = (t: Tensor, shape: number[], name: string) => {
    if (t.rank !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new ShapeError(`${op}: ${name} must be ${formatShape(shape)}, got ${formatShape(t.shape)}`);
    }
    if (t.dtype !== x.dtype) throw new ValueError(`${op}: ${name} is ${t.dtype} but x is ${x.dtype}; use one dtype`);
  };
  expect(weightHh, [gates * H, H], 'weightHh');
  expect(weightIh, [gates * H, I], 'weightIh');
  expect(biasIh, [gates * H], 'biasIh');
  expect(biasHh, [gates * H], 'biasHh');
  expect(h0, [B, H], 'initial hidden state h0');
  if (c0) expect(c0, [B, H], 'initial cell state c0');
  return { B, T, I, H };
}

function resolveLengths(op: string, lengths: RecurrentOptions['lengths'], B: number, T: number): Int32Array | null {
  if (lengths == null) return null;
  if (lengths.length !== B)
    throw new ShapeError(`${op}: lengths has ${lengths.length} entries for a batch of ${B}; give one length per sequence`);
  const resolved = Int32Array.from(lengths);
  resolved.forEach((length, b) => {
    if (!Number.isInteger(lengths[b]) || length < 1 || length > T) {
      throw new ValueError(`${op}: lengths[${b}] = ${lengths[b]} must be an integer in [1, ${T}] (the padded length)`);
    }
  });
  return resolved.every((length) => length === T) ? null : resolved;
}

export const GATE_ACTIVATIONS: readonly GateActivation[] = ['sigmoid', 'hardSigmoid'];

function gateActivationOf(op: string, options: { gateActivation?: GateActivation }): GateActivation {
  const activation = options.gateActivation ?? 'sigmoid';
  if (!GATE_ACTIVATIONS.includes(activation))
    throw new ValueError(`${op}: gateActivation '${String(activation)}' is not one of ${GATE_ACTIVATIONS.map((a) => `'${a}'`).join(', ')}`);
  return activation;
}

function recurrentAttrs(op: string, options: RecurrentOptions, B: number, T: number): RecurrentAttrs {
  return { reverse: options.reverse ?? false, lengths: resolveLengths(op, options.lengths, B, T), record: options.record ?? false };
}

// ─── LSTM ───────────────────────────────────────────────────────────────────────────────
/** y [B,T,H], final h and c [B,H]; with `record`, gates [B,T,G·H] and cells [B,T,H]. */
export type LstmForwardResult = KernelResult<'LstmForward'>;

/** LSTM over a whole sequence. x [B,T,I], h0/c0 [B,H] → y [B,T,H], final h/c [B,H]. */
export function lstmForward(x: Tensor, weights: RecurrentWeights, h0: Tensor, c0: Tensor, options: LstmOptions = {}): LstmForwardResult {
  const form = formOf('lstm', options);
  const { B, T, H } = checkDims('lstm', x, weights, gateCount('lstm', form), h0, c0);
  checkPeephole('lstm', form, weights.peephole, H);
  checkGateRecurrence('lstm', form, weights.gateRecurrence, x, H);
  const attrs = { ...recurrentAttrs('lstm', options, B, T), form, gateActivation: gateActivationOf('lstm', options) };
  return engine.run('LstmForward', { x, ...weights, h0, c0 }, attrs);
}

function checkPeephole(op: string, form: LstmForm, peephole: Tensor | undefined, H: number): void {
  const gates = lstmPeepholeGates(form);
  if (gates.length > 0) {
    if (peephole?.rank !== 1 || peephole.shape[0] !== gates.length * H) {
      const names = gates.map((g) => `p_${g}`).join(', ');
      throw new ShapeError(
        `${op}: the ${describeLstmForm(form)} variant needs peephole weights of shape [${gates.length * H}] (${names}), got ${peephole ? formatShape(peephole.shape) : 'none'}`,
      );
    }
  } else if (peephole) {
    throw new ValueError(
      `${op}: peephole weights were given to the '${describeLstmForm(form)}' variant; use variant 'peephole' or drop them`,
    );
  }
}

function checkGateRecurrence(op: string, form: LstmForm, weights: Tensor | undefined, x: Tensor, H: number): void {
  if (form.gateRecurrence) {
    if (weights?.rank !== 2 || weights.shape[0] !== 3 * H || weights.shape[1] !== 3 * H)
      throw new ShapeError(
        `${op}: full gate recurrence needs gateRecurrence weights of shape [${3 * H}, ${3 * H}] (i, f, o ← i, f, o), got ${weights ? formatShape(weights.shape) : 'none'}`,
      );
    if (weights.dtype !== x.dtype) throw new ValueError(`${op}: gateRecurrence is ${weights.dtype} but x is ${x.dtype}; use one dtype`);
  } else if (weights) {
    throw new ValueError(
      `${op}: gateRecurrence weights were given to the '${describeLstmForm(form)}' variant; use variant 'fgr' or drop them`,
    );
  }
}

/** Gradients of every input and weight; with `record`, per-step dhSteps and dcSteps [B,T,H]. */
export type LstmBackwardResult = KernelResult<'LstmBackward'>;

/**
 * Backward of `lstmForward` (which must have run with `record: true`). Gradients flowing in:
 * dy [B,T,H] and/or dh, dc [B,H] of the final state. `record` adds per-step ∂L/∂h_t, ∂L/∂c_t.
 */
export function lstmBackward(
  x: Tensor,
  weights: RecurrentWeights,
  h0: Tensor,
  c0: Tensor,
  saved: { y: Tensor; gates: Tensor; cells: Tensor },
  grads: { dy?: Tensor; dh?: Tensor; dc?: Tensor },
  options: LstmOptions = {},
): LstmBackwardResult {
  const form = formOf('lstm backward', options);
  const { B, T, H } = checkDims('lstm backward', x, weights, gateCount('lstm', form), h0, c0);
  checkPeephole('lstm backward', form, weights.peephole, H);
  checkGateRecurrence('lstm backward', form, weights.gateRecurrence, x, H);
  checkGrads('lstm backward', grads, B, T, H);
  const attrs = { ...recurrentAttrs('lstm backward', options, B, T), form, gateActivation: gateActivationOf('lstm backward', options) };
  const { weightIh, weightHh, peephole, gateRecurrence } = weights;
  return engine.run('LstmBackward', { x, weightIh, weightHh, peephole, gateRecurrence, h0, c0, ...saved, ...grads }, attrs);
}

function checkGrads(op: string, grads: { dy?: Tensor; dh?: Tensor; dc?: Tensor }, B: number, T: number, H: number): void {
  const check = (t: Tensor | undefined, shape: number[], name: string) => {
    if (t && (t.rank !== shape.length || t.shape.some((d, i) => d !== shape[i]))) {
      throw new ShapeError(`${op}: ${name} must be ${formatShape(shape)}, got ${formatShape(t.shape)}`);
    }
  };
  check(grads.dy, [B, T, H], 'dy');
  check(grads.dh, [B, H], 'dh');
  check(grads.dc, [B, H], 'dc');
}

// ─── GRU ────────────────────────────────────────────────────────────────────────────────
export type GruForwardResult = KernelResult<'GruForward'>;

export function gruForward(
  x: Tensor,
  weights: RecurrentWeights,
  h0: Tensor,
  options: RecurrentOptions & { gateActivation?: GateActivation } = {},
): GruForwardResult {
  const { B, T } = checkDims('gru', x, weights, 3, h0);
  const attrs = { ...recurrentAttrs('gru', options, B, T), gateActivation: gateActivationOf('gru', options) };
  const { weightIh, weightHh, biasIh, biasHh } = weights;
  return engine.run('GruForward', { x, weightIh, weightHh, biasIh, biasHh, h0 }, attrs);
}

export type GruBackwardResult = KernelResult<'GruBackward'>;

export function gruBackward(
  x: Tensor,
  weights: RecurrentWeights,
  h0: Tensor,
  saved: { y: Tensor; gates: Tensor; hn: Tensor },
  grads: { dy?: Tensor; dh?: Tensor },
  options: RecurrentOptions & { gateActivation?: GateActivation } = {},
): GruBackwardResult {
  const { B, T, H } = checkDims('gru backward', x, weights, 3, h0);
  checkGrads('gru backward', grads, B, T, H);
  const attrs = { ...recurrentAttrs('gru backward', options, B, T), gateActivation: gateActivationOf('gru backward', options) };
  return engine.run('GruBackward', { x, weightIh: weights.weightIh, weightHh: weights.weightHh, h0, ...saved, ...grads }, attrs);
}

// ─── vanilla RNN ────────────────────────────────────────────────────────────────────────
export type RnnForwardResult = KernelResult<'RnnForward'>;

export function rnnForward(
  x: Tensor,
  weights: RecurrentWeights,
  h0: Tensor,
  options: RecurrentOptions & { nonlinearity?: RnnNonlinearity } = {},
): RnnForwardResult {
  const { B, T } = checkDims('rnn', x, weights, 1, h0);
  const attrs = { ...recurrentAttrs('rnn', options, B, T), nonlinearity: options.nonlinearity ?? 'tanh' };
  const { weightIh, weightHh, biasIh, biasHh } = weights;
  return engine.run('RnnForward', { x, weightIh, weightHh, biasIh, biasHh, h0 }, attrs);
}

export type RnnBackwardResult = KernelResult<'RnnBackward'>;

export function rnnBackward(
  x: Tensor,
  weights: RecurrentWeights,
  h0: Tensor,
  saved: { y: Tensor },
  grads: { dy?: Tensor; dh?: Tensor },
  options: RecurrentOptions & { nonlinearity?: RnnNonlinearity } = {},
): RnnBackwardResult {
  const { B, T, H } = checkDims('rnn backward', x, weights, 1, h0);
  checkGrads('rnn backward', grads, B, T, H);
  const attrs = { ...recurrentAttrs('rnn backward', options, B, T), nonlinearity: options.nonlinearity ?? 'tanh' };
  return engine.run('RnnBackward', { x, weightIh: weights.weightIh, weightHh: weights.weightHh, h0, ...saved, ...grads }, attrs);
}
