import type { LstmAttrs, LstmForm } from '../kernel-names.js';
import { lstmOffsets } from '../lstm-form.js';
import { tidy } from '../registry.js';
import { add, mul, sub, tanh } from '../ops/elementwise.js';
import { matMul } from '../ops/mat-mul.js';
import { sum } from '../ops/reduce.js';
import { concat, reshape, slice } from '../ops/shape-ops.js';
import { fill } from '../ops/create.js';
import type { KernelInputs, KernelResult } from '../kernel-types.js';
import type { Tensor } from '../tensor.js';
import { block, gate, gateGrad, keepWhereMasked, stackSteps, stepMask, stepOf, timeOrder, zerosLike } from './steps.js';

/** The [3H, 3H] gate recurrence over the packed rows i, f, g, o: [4H, 3H] with zeros for g. */
function wideGateRecurrence(R: Tensor, H: number): Tensor {
  const rowsOf = (start: number, count: number) => slice(R, [start * H, 0], [count * H, 3 * H]);
  return concat([rowsOf(0, 2), fill([H, 3 * H], 0, R.dtype), rowsOf(2, 1)], 0);
}

/** Per-form plumbing of the reference: the squashings of g and c, and the blocks of the packed rows. */
function parts(form: LstmForm, H: number) {
  const { gates: at, peephole: peepAt } = lstmOffsets(form);
  const squash = (kind: 'tanh' | 'identity') => (x: Tensor) => (kind === 'tanh' ? tanh(x) : x);
  const squashGrad = (kind: 'tanh' | 'identity') => (y: Tensor) =>
    kind === 'tanh' ? add(mul(mul(y, y), -1), 1) : fill(y.shape, 1, y.dtype);
  return {
    at,
    peepAt,
    g: squash(form.inputActivation),
    gGrad: squashGrad(form.inputActivation),
    a: squash(form.cellActivation),
    aGrad: squashGrad(form.cellActivation),
    /** Block `k` of packed rows, if the gate has one. */
    rows: (packed: Tensor, k: number) => block(packed, k, H),
  };
}

/**
 * LSTM composed from primitive ops, one step at a time (the fallback and the oracle that
 * fused kernels are tested against). Equations (spec §2), learned gates packed i, f, g, o:
 *   i = σ(·)  f = σ(·)  g = tanh(·)  o = σ(·)      peephole: i, f see c_{t−1}; o sees c_t
 *   c_t = f ⊙ c_{t−1} + i ⊙ g                       h_t = o ⊙ tanh(c_t)
 * and the form's changes (lstm-form.ts): a pinned gate is its constant, a complement gate 1 − the
 * other of i and f, an 'identity' activation drops that tanh.
 */
export function lstmForwardReference(inputs: KernelInputs<'LstmForward'>, attrs: LstmAttrs): KernelResult<'LstmForward'> {
  return tidy(() => {
    const { x, weightIh, weightHh, biasIh, biasHh, h0, c0, peephole, gateRecurrence } = inputs;
    const [B, T] = x.shape as [number, number];
    const H = weightHh.shape[1]!;
    const { form } = attrs;
    const { at, peepAt, g: squashG, a: squashC, rows } = parts(form, H);
    const R = form.gateRecurrence ? wideGateRecurrence(gateRecurrence!, H) : null;
    let previous = R ? fill([B, 3 * H], 0, x.dtype) : null; // i, f, o of the previous step
    const p = (k: number) => slice(peephole!, [k * H], [H]);
    /** A learned gate's value from its pre-activation, with its peephole term on `cell`. */
    const learned = (pre: Tensor, name: 'i' | 'f' | 'o', cell: Tensor) =>
      gate(peepAt[name] >= 0 ? add(rows(pre, at[name]), mul(p(peepAt[name]), cell)) : rows(pre, at[name]), attrs.gateActivation);
    const constant = (value: number) => fill([B, H], value, x.dtype);
    let h = h0;
    let c = c0;
    const ys: Tensor[] = new Array(T);
    const gateSteps: Tensor[] = new Array(T);
    const cellSteps: Tensor[] = new Array(T);
    for (const t of timeOrder(T, attrs.reverse)) {
      const m = stepMask(attrs.lengths, t, B, x.dtype);
      let pre = add(
        add(matMul(stepOf(x, t), weightIh, { transposeB: true }), biasIh),
        add(matMul(h, weightHh, { transposeB: true }), biasHh),
      );
      if (R) pre = add(pre, matMul(previous!, R, { transposeB: true }));
      let i = form.i === 'learned' ? learned(pre, 'i', c) : typeof form.i === 'number' ? constant(form.i) : null;
      let f = form.f === 'learned' ? learned(pre, 'f', c) : typeof form.f === 'number' ? constant(form.f) : null;
      if (!i) i = add(mul(f!, -1), 1);
      if (!f) f = add(mul(i, -1), 1);
      const g = squashG(rows(pre, at.g));
      const cNew = add(mul(f, c), mul(i, g));
      const o = form.o === 'learned' ? learned(pre, 'o', cNew) : constant(form.o);
      const hNew = mul(o, squashC(cNew));
      ys[t] = mul(m, hNew);
      h = keepWhereMasked(m, hNew, h);
      c = keepWhereMasked(m, cNew, c);
      if (previous) previous = keepWhereMasked(m, concat([i, f, o], 1), previous);
      const values = { i, f, g, o };
      const packed = (['i', 'f', 'g', 'o'] as const).filter((name) => at[name] >= 0).map((name) => values[name]);
      gateSteps[t] = mul(m, concat(packed, 1));
      cellSteps[t] = c;
    }
    const out: KernelResult<'LstmForward'> = { y: stackSteps(ys), h, c };
    if (attrs.record) {
      out.gates = stackSteps(gateSteps);
      out.cells = stackSteps(cellSteps);
    }
    return out;
  });
}

/**
 * Backward through time, step by step, for the LSTM above. With dh, dc the gradients arriving
 * at h_t, c_t from later steps, a = tanh c_t (or c_t), and σ' = s(1 − s), tanh' = 1 − g²:
 *   dh_t = dh + dy_t                 dc_t = dc + dh_t ⊙ o ⊙ a'   [+ do' ⊙ p_o]
 *   do = dh_t ⊙ a                    di = dc_t ⊙ g    dg = dc_t ⊙ i    df = dc_t ⊙ c_{t−1}
 *   a complement gate hands its share to the gate it mirrors (i = 1 − f: df = dc_t ⊙ (c_{t−1} − g))
 *   dc_{t−1} = dc_t ⊙ f [+ di' ⊙ p_i + df' ⊙ p_f]      dh_{t−1} = dG · W_hh
 * Pinned gates have no rows in dG; their gradient ends there.
 */
export function lstmBackwardReference(inputs: KernelInputs<'LstmBackward'>, attrs: LstmAttrs): KernelResult<'LstmBackward'> {
  return tidy(() => {
    const { x, weightIh, weightHh, peephole, gateRecurrence, h0, c0, y, gates, cells, dy, dh: dhFinal, dc: dcFinal } = inputs;
    const [B, T] = x.shape as [number, number];
    const H = weightHh.shape[1]!;
    const { form } = attrs;
    const { at, peepAt, gGrad, a: squashC, aGrad, rows } = parts(form, H);
    const R = form.gateRecurrence ? wideGateRecurrence(gateRecurrence!, H) : null;
    // ∂L/∂(i, f, o) arriving from the next step's pre-activations, and ∂L/∂R over the packed rows.
    let dGates = R ? fill([B, 3 * H], 0, x.dtype) : null;
    let dR = R ? zerosLike(R) : null;
    const peepCount = Object.values(peepAt).filter((k) => k >= 0).length;
    const p = (k: number) => slice(peephole!, [k * H], [H]);
    const constant = (value: number) => fill([B, H], value, x.dtype);
    let dh = dhFinal ?? zerosLike(h0);
    let dc = dcFinal ?? zerosLike(c0);
    let dWih = zerosLike(weightIh);
    let dWhh = zerosLike(weightHh);
    let dBias: Tensor | null = null;
    let dPeep = Array.from({ length: peepCount }, () => fill([H], 0, x.dtype));
    const dxs: Tensor[] = new Array(T);
    const dhSteps: Tensor[] = new Array(T);
    const dcSteps: Tensor[] = new Array(T);
    const order = timeOrder(T, attrs.reverse);
    const sigmoidGrad = (s: Tensor) => gateGrad(s, attrs.gateActivation);
    for (let s = T - 1; s >= 0; s--) {
      const t = order[s]!;
      const first = s === 0;
      const previous = first ? -1 : order[s - 1]!;
      const m = stepMask(attrs.lengths, t, B, x.dtype);
      const mPrev = first ? null : stepMask(attrs.lengths, previous, B, x.dtype);
      // h_{t−1}: y of the previous step where it was valid, else the initial state.
      const hPrev = first ? h0 : keepWhereMasked(mPrev!, stepOf(y, previous), h0);
      const cPrev = first ? c0 : stepOf(cells, previous);
      const cT = stepOf(cells, t);
      const packed = stepOf(gates, t);
      const dhT = dy ? add(dh, mul(m, stepOf(dy, t))) : dh;
      const value = (name: 'i' | 'f' | 'o', other: Tensor | null): Tensor => {
        const source = form[name];
        if (source === 'learned') return rows(packed, at[name]);
        if (typeof source === 'number') return constant(source);
        return add(mul(other!, -1), 1);
      };
      const g = rows(packed, at.g);
      const iLearned = form.i === 'learned' ? rows(packed, at.i) : null;
      const fLearned = form.f === 'learned' ? rows(packed, at.f) : null;
      const i = value('i', fLearned);
      const f = value('f', iLearned);
      const o = value('o', null);
      const a = squashC(cT);
      const fromNext = (k: number) => (dGates ? block(dGates, k, H) : null);
      const plus = (grad: Tensor, k: number) => (dGates ? add(grad, fromNext(k)!) : grad);
      const dO = form.o === 'learned' ? mul(plus(mul(dhT, a), 2), sigmoidGrad(o)) : null;
      let dcT = add(dc, mul(mul(dhT, o), aGrad(a)));
      if (dO && peepAt.o >= 0) dcT = add(dcT, mul(dO, p(peepAt.o)));
      const dGpre = mul(mul(dcT, i), gGrad(g));
      // ∂L/∂i and ∂L/∂f as values; a complement gate hands its share to the gate it mirrors.
      const di = form.f === 'complement' ? mul(dcT, sub(g, cPrev)) : mul(dcT, g);
      const df = form.i === 'complement' ? mul(dcT, sub(cPrev, g)) : mul(dcT, cPrev);
      const dI = iLearned ? mul(plus(di, 0), sigmoidGrad(iLearned)) : null;
      const dF = fLearned ? mul(plus(df, 1), sigmoidGrad(fLearned)) : null;
      let dcPrev = mul(dcT, f);
      const terms: Tensor[] = [];
      if (dI && peepAt.i >= 0) {
        dcPrev = add(dcPrev, mul(dI, p(peepAt.i)));
        terms[peepAt.i] = mul(dI, cPrev);
      }
      if (dF && peepAt.f >= 0) {
        dcPrev = add(dcPrev, mul(dF, p(peepAt.f)));
        terms[peepAt.f] = mul(dF, cPrev);
      }
      if (dO && peepAt.o >= 0) terms[peepAt.o] = mul(dO, cT);
      dPeep = dPeep.map((acc, k) => add(acc, sum(mul(m, terms[k]!), 0)));
      const byGate = { i: dI, f: dF, g: dGpre, o: dO };
      let dG = concat(
        (['i', 'f', 'g', 'o'] as const).filter((name) => at[name] >= 0).map((name) => byGate[name]!),
        1,
      );
      dG = mul(m, dG);
      dxs[t] = matMul(dG, weightIh);
      dWih = add(dWih, matMul(dG, stepOf(x, t), { transposeA: true }));
      dWhh = add(dWhh, matMul(dG, hPrev, { transposeA: true }));
      dBias = dBias ? add(dBias, sum(dG, 0)) : sum(dG, 0);
      dhSteps[t] = mul(m, dhT);
      dcSteps[t] = mul(m, dcT);
      dh = keepWhereMasked(m, matMul(dG, weightHh), dh);
      dc = keepWhereMasked(m, dcPrev, dc);
      if (R) {
        // The gates of the previous step (zeros before the first) fed this step's i, f, o.
        const gatesPrev = first ? fill([B, 4 * H], 0, x.dtype) : stepOf(gates, previous);
        const aPrev = concat([block(gatesPrev, 0, H), block(gatesPrev, 1, H), block(gatesPrev, 3, H)], 1);
        dR = add(dR!, matMul(dG, aPrev, { transposeA: true }));
        dGates = keepWhereMasked(m, matMul(dG, R), dGates!);
      }
    }
    const out: KernelResult<'LstmBackward'> = {
      dx: stackSteps(dxs),
      dh0: dh,
      dc0: dc,
      dWeightIh: dWih,
      dWeightHh: dWhh,
      dBiasIh: dBias!,
      dBiasHh: reshape(dBias!, dBias!.shape),
    };
    if (peepCount > 0) out.dPeephole = concat(dPeep, 0);
    if (dR) out.dGateRecurrence = concat([slice(dR, [0, 0], [2 * H, 3 * H]), slice(dR, [3 * H, 0], [H, 3 * H])], 0);
    if (attrs.record) {
      out.dhSteps = stackSteps(dhSteps);
      out.dcSteps = stackSteps(dcSteps);
    }
    return out;
  });
}
