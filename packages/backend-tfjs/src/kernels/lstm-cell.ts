import { type GateActivation, type LstmForm, type LstmVariant, LSTM_VARIANTS, lstmOffsets, sameLstmForm } from '@lstm/core';
import { tf } from '../tf.js';

// The LSTM's per-step element-wise work as tfjs ops, in the column layout the wasm and cpu
// kernels use: every per-step tensor is [features, B], so a gate block is a run of whole rows —
// a contiguous slice that tfjs takes without a copy — and the recurrent product W·h needs no
// transposed operand (tfjs-wasm's matMul is ~10× slower with one).

/** Rows [k·H, (k+1)·H) of a packed [G·H, B] tensor. */
export function block(packed: tf.Tensor, k: number, H: number): tf.Tensor {
  return tf.slice(packed, [k * H, 0], [H, packed.shape[1]!]);
}

/**
 * tanh as 2σ(2x) − 1 where tfjs's own tanh is slow (wasm: 4× a sigmoid); the same function,
 * with an absolute error near float32's unit round-off.
 */
export function tanhOf(fast: boolean) {
  return fast ? (x: tf.Tensor) => tf.sub(tf.mul(tf.sigmoid(tf.mul(x, 2)), 2), 1) : tf.tanh;
}

/** A gate's squashing: σ, or hardSigmoid = clip(0.2·x + 0.5, 0, 1). */
export function gateOf(activation: GateActivation | undefined): (x: tf.Tensor) => tf.Tensor {
  return activation === 'hardSigmoid' ? (x) => tf.clipByValue(tf.add(tf.mul(x, 0.2), 0.5), 0, 1) : (x) => tf.sigmoid(x);
}

/** A gate's derivative from its value s: s(1 − s) for σ; 0.2 inside (0, 1), 0 where hardSigmoid clipped. */
export function gateGradOf(activation: GateActivation | undefined): (s: tf.Tensor) => tf.Tensor {
  return activation === 'hardSigmoid'
    ? (s) => tf.mul(tf.cast(tf.logicalAnd(tf.greater(s, 0), tf.less(s, 1)), s.dtype), 0.2)
    : (s) => tf.mul(s, tf.sub(1, s));
}

/**
 * The name our WebGL programs know a form by — the standard, peephole and coupled cells — or null
 * for the other forms, which run as tfjs ops on every tfjs backend.
 */
export function programVariant(form: LstmForm): 'standard' | 'peephole' | 'coupled' | null {
  for (const variant of ['standard', 'peephole', 'coupled'] as const satisfies readonly LstmVariant[]) {
    if (sameLstmForm(form, LSTM_VARIANTS[variant])) return variant;
  }
  return null;
}

/** Gate recurrence [3H, 3H] over the packed rows i, f, g, o: R̃ [4H, 3H], zeros for g. */
export function wideGateRecurrence(R: tf.Tensor, H: number): tf.Tensor {
  const [ifRows, oRows] = tf.split(R, [2 * H, H], 0);
  return tf.concat([ifRows!, tf.zeros([H, 3 * H], R.dtype), oRows!], 0);
}

/** The i, f, o rows [3H, B] of packed gates [4H, B] (a form with gate recurrence learns all four). */
export function recurrentGates(gates: tf.Tensor, H: number): tf.Tensor {
  return tf.concat([block(gates, 0, H), block(gates, 1, H), block(gates, 3, H)], 0);
}

/** The [H, 1] peephole columns of a form, indexed like lstmOffsets' peephole blocks. */
export function peepholeColumns(form: LstmForm, peephole: tf.Tensor | undefined, H: number): tf.Tensor[] | null {
  if (!form.peephole || !peephole) return null;
  const count = peephole.shape[0]! / H;
  return tf.split(tf.reshape(peephole, [count * H, 1]), count);
}

/**
 * One step's gate update from the pre-activations `pre` [G·H, B] (spec §2):
 *   i = σ(·)  f = σ(·)  g = tanh(·)  o = σ(·)      peephole: i, f see c_{t−1}; o sees c_t
 *   c_t = f ⊙ c_{t−1} + i ⊙ g                       h_t = o ⊙ tanh(c_t)
 * with the form's changes (core's lstm-form.ts): pinned gates are constants, a complement gate
 * 1 − the other of i and f, an 'identity' activation drops that tanh. Peephole vectors come as
 * [H, 1] columns. Returns the learned gates packed as the contract stores them.
 */
export function lstmCellColumns(
  pre: tf.Tensor,
  c: tf.Tensor,
  peephole: tf.Tensor[] | null,
  form: LstmForm,
  tanh: (x: tf.Tensor) => tf.Tensor,
  sigmoid: (x: tf.Tensor) => tf.Tensor,
) {
  const H = c.shape[0]!;
  const { gates: at, peephole: peepAt } = lstmOffsets(form);
  const learned = (name: 'i' | 'f' | 'o', cell: tf.Tensor) => {
    const rows = block(pre, at[name], H);
    return sigmoid(peephole && peepAt[name] >= 0 ? tf.add(rows, tf.mul(peephole[peepAt[name]]!, cell)) : rows);
  };
  const constant = (value: number) => tf.fill(c.shape, value, c.dtype);
  let i = form.i === 'learned' ? learned('i', c) : typeof form.i === 'number' ? constant(form.i) : null;
  let f = form.f === 'learned' ? learned('f', c) : typeof form.f === 'number' ? constant(form.f) : null;
  if (!i) i = tf.sub(1, f!);
  if (!f) f = tf.sub(1, i);
  const gPre = block(pre, at.g, H);
  const g = form.inputActivation === 'identity' ? gPre : tanh(gPre);
  const cNew = tf.add(tf.mul(f, c), tf.mul(i, g));
  const o = form.o === 'learned' ? learned('o', cNew) : constant(form.o);
  const h = tf.mul(o, form.cellActivation === 'identity' ? cNew : tanh(cNew));
  const values = { i, f, g, o };
  const gates = (['i', 'f', 'g', 'o'] as const).filter((name) => at[name] >= 0).map((name) => values[name]);
  return { gates, c: cNew, h };
}

/**
 * One step of the backward from the stored gates [G·H, B] (equations as in core's reference):
 * the pre-activation gradients dG [G·H, B], ∂L/∂c_{t−1}, the total ∂L/∂c_t (for recording) and
 * the peephole terms (indexed like the peephole columns), all in the column layout.
 */
export function lstmCellBackwardColumns(
  dhT: tf.Tensor,
  dc: tf.Tensor,
  gates: tf.Tensor,
  cPrev: tf.Tensor,
  cT: tf.Tensor,
  peephole: tf.Tensor[] | null,
  form: LstmForm,
  tanh: (x: tf.Tensor) => tf.Tensor,
  sigmoidGrad: (s: tf.Tensor) => tf.Tensor,
  fromNext: tf.Tensor | null = null,
) {
  const H = cT.shape[0]!;
  // Gate recurrence: ∂L/∂(i, f, o) [3H, B] from the next step's pre-activations joins each gate's own.
  const plus = (grad: tf.Tensor, k: number) => (fromNext ? tf.add(grad, block(fromNext, k, H)) : grad);
  const { gates: at, peephole: peepAt } = lstmOffsets(form);
  const constant = (value: number) => tf.fill(cT.shape, value, cT.dtype);
  const a = form.cellActivation === 'identity' ? cT : tanh(cT);
  const iOwn = form.i === 'learned' ? block(gates, at.i, H) : null;
  const fOwn = form.f === 'learned' ? block(gates, at.f, H) : null;
  const i = iOwn ?? (typeof form.i === 'number' ? constant(form.i) : tf.sub(1, fOwn!));
  const f = fOwn ?? (typeof form.f === 'number' ? constant(form.f) : tf.sub(1, iOwn!));
  const g = block(gates, at.g, H);
  const o = form.o === 'learned' ? block(gates, at.o, H) : constant(form.o);
  const dOpre = form.o === 'learned' ? tf.mul(plus(tf.mul(dhT, a), 2), sigmoidGrad(o)) : null;
  let dcT = tf.add(dc, tf.mul(tf.mul(dhT, o), form.cellActivation === 'identity' ? 1 : tf.sub(1, tf.mul(a, a))));
  if (peephole && dOpre && peepAt.o >= 0) dcT = tf.add(dcT, tf.mul(dOpre, peephole[peepAt.o]!));
  const dGpre = tf.mul(tf.mul(dcT, i), form.inputActivation === 'identity' ? 1 : tf.sub(1, tf.mul(g, g)));
  let dcPrev = tf.mul(dcT, f);
  const di = form.f === 'complement' ? tf.mul(dcT, tf.sub(g, cPrev)) : tf.mul(dcT, g);
  const df = form.i === 'complement' ? tf.mul(dcT, tf.sub(cPrev, g)) : tf.mul(dcT, cPrev);
  const dIpre = iOwn ? tf.mul(plus(di, 0), sigmoidGrad(iOwn)) : null;
  const dFpre = fOwn ? tf.mul(plus(df, 1), sigmoidGrad(fOwn)) : null;
  let peepholeTerms: tf.Tensor[] | null = null;
  if (peephole) {
    peepholeTerms = [];
    if (dIpre && peepAt.i >= 0) {
      dcPrev = tf.add(dcPrev, tf.mul(dIpre, peephole[peepAt.i]!));
      peepholeTerms[peepAt.i] = tf.mul(dIpre, cPrev);
    }
    if (dFpre && peepAt.f >= 0) {
      dcPrev = tf.add(dcPrev, tf.mul(dFpre, peephole[peepAt.f]!));
      peepholeTerms[peepAt.f] = tf.mul(dFpre, cPrev);
    }
    if (dOpre && peepAt.o >= 0) peepholeTerms[peepAt.o] = tf.mul(dOpre, cT);
  }
  const byGate = { i: dIpre, f: dFpre, g: dGpre, o: dOpre };
  const dG = (['i', 'f', 'g', 'o'] as const).filter((name) => at[name] >= 0).map((name) => byGate[name]!);
  return { dG, dcPrev, dcT, peepholeTerms };
}
