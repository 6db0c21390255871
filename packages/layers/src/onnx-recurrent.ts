import { type Attributes, GraphError, type Value, value } from './onnx-value.js';

/**
 * ONNX's LSTM, GRU and RNN operators in float64, written from the operator specification (gate
 * orders i-o-f-c and z-r-h, B = [Wb; Rb], P = [p_i; p_o; p_f], linear_before_reset, per-row
 * sequence_lens with zeros past a row's end, reverse directions walking back from its last step).
 */

const ACTIVATIONS: Record<string, (x: number) => number> = {
  Sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  Tanh: Math.tanh,
  Relu: (x) => Math.max(0, x),
  HardSigmoid: (x) => Math.min(1, Math.max(0, 0.2 * x + 0.5)), // ONNX's default α = 0.2, β = 0.5
};

const DEFAULTS = { LSTM: ['Sigmoid', 'Tanh', 'Tanh'], GRU: ['Sigmoid', 'Tanh'], RNN: ['Tanh'] } as const;
const GATES = { LSTM: 4, GRU: 3, RNN: 1 } as const;

export function runRecurrentNode(op: 'LSTM' | 'GRU' | 'RNN', inputs: (Value | undefined)[], attributes: Attributes): Value[] {
  const need = (k: number, name: string) =>
    inputs[k] ??
    (() => {
      throw new GraphError(`${op} without ${name}`);
    })();
  const [X, W, R] = [need(0, 'X'), need(1, 'W'), need(2, 'R')];
  const H = Number(attributes.get('hidden_size')?.i ?? 0);
  const direction = new TextDecoder().decode(attributes.get('direction')?.s ?? new TextEncoder().encode('forward'));
  const D = direction === 'bidirectional' ? 2 : 1;
  if (Number(attributes.get('layout')?.i ?? 0) !== 0) throw new GraphError(`${op} with layout = 1`);
  if (attributes.get('clip') || Number(attributes.get('input_forget')?.i ?? 0)) throw new GraphError(`${op} with clip or input_forget`);
  const names = (attributes.get('activations')?.strings ?? []).map((s) => new TextDecoder().decode(s));
  if (attributes.get('activation_alpha') || attributes.get('activation_beta'))
    throw new GraphError(`${op} with activation_alpha or activation_beta`);
  const defaults = DEFAULTS[op];
  // One list per direction (forward's, then reverse's), or one for both.
  const activation = (d: number, k: number) => {
    const name = names[(names.length === defaults.length * D ? d * defaults.length : 0) + k] ?? defaults[k]!;
    const fn = ACTIVATIONS[name];
    if (!fn) throw new GraphError(`${op} activation ${name}`);
    return fn;
  };
  const G = GATES[op];
  const [T, Bn, I] = X.dims as [number, number, number];
  if (X.dims.length !== 3 || W.dims.join() !== [D, G * H, I].join() || R.dims.join() !== [D, G * H, H].join())
    throw new GraphError(`${op} with X [${X.dims.join(', ')}], W [${W.dims.join(', ')}], R [${R.dims.join(', ')}], hidden_size ${H}`);
  const Bias = inputs[3];
  const lengths = inputs[4];
  const h0 = inputs[5];
  const c0 = inputs[6];
  const P = inputs[7];
  const linearBeforeReset = Number(attributes.get('linear_before_reset')?.i ?? 0) === 1;
  const Y = new Float64Array(T * D * Bn * H);
  const Yh = new Float64Array(D * Bn * H);
  const Yc = new Float64Array(D * Bn * H);
  for (let d = 0; d < D; d++) {
    const [f, g, h] = [activation(d, 0), activation(d, 1 % defaults.length), activation(d, 2 % defaults.length)];
    const w = (gate: number, j: number, k: number) => W.data[((d * G + gate) * H + j) * I + k]!;
    const r = (gate: number, j: number, k: number) => R.data[((d * G + gate) * H + j) * H + k]!;
    const wb = (gate: number, j: number) => Bias?.data[d * 2 * G * H + gate * H + j] ?? 0;
    const rb = (gate: number, j: number) => Bias?.data[d * 2 * G * H + G * H + gate * H + j] ?? 0;
    const p = (gate: number, j: number) => P?.data[d * 3 * H + gate * H + j] ?? 0;
    for (let b = 0; b < Bn; b++) {
      const length = lengths ? lengths.data[b]! : T;
      let hPrev = Float64Array.from({ length: H }, (_, j) => h0?.data[(d * Bn + b) * H + j] ?? 0);
      let cPrev = Float64Array.from({ length: H }, (_, j) => c0?.data[(d * Bn + b) * H + j] ?? 0);
      for (let s = 0; s < length; s++) {
        const t = d === 0 ? s : length - 1 - s;
        const x = (k: number) => X.data[(t * Bn + b) * I + k]!;
        // a[gate][j] = x·W^T + Wb (+ h·R^T + Rb, unless a GRU's h gate applies the reset first)
        const xw = (gate: number, j: number) => {
          let sum = wb(gate, j);
          for (let k = 0; k < I; k++) sum += x(k) * w(gate, j, k);
          return sum;
        };
        const hr = (gate: number, j: number, state: Float64Array) => {
          let sum = rb(gate, j);
          for (let k = 0; k < H; k++) sum += state[k]! * r(gate, j, k);
          return sum;
        };
        const hNext = new Float64Array(H);
        const cNext = new Float64Array(H);
        if (op === 'LSTM') {
          for (let j = 0; j < H; j++) {
            const i = f(xw(0, j) + hr(0, j, hPrev) + p(0, j) * cPrev[j]!);
            const fg = f(xw(2, j) + hr(2, j, hPrev) + p(2, j) * cPrev[j]!);
            const c = g(xw(3, j) + hr(3, j, hPrev));
            cNext[j] = fg * cPrev[j]! + i * c;
            const o = f(xw(1, j) + hr(1, j, hPrev) + p(1, j) * cNext[j]!);
            hNext[j] = o * h(cNext[j]!);
          }
        } else if (op === 'GRU') {
          const z = Float64Array.from({ length: H }, (_, j) => f(xw(0, j) + hr(0, j, hPrev)));
          const reset = Float64Array.from({ length: H }, (_, j) => f(xw(1, j) + hr(1, j, hPrev)));
          const resetState = Float64Array.from(hPrev, (v, j) => v * reset[j]!);
          for (let j = 0; j < H; j++) {
            const candidate = linearBeforeReset ? g(xw(2, j) + reset[j]! * hr(2, j, hPrev)) : g(xw(2, j) + hr(2, j, resetState));
            hNext[j] = (1 - z[j]!) * candidate + z[j]! * hPrev[j]!;
          }
        } else {
          for (let j = 0; j < H; j++) hNext[j] = f(xw(0, j) + hr(0, j, hPrev));
        }
        for (let j = 0; j < H; j++) Y[((t * D + d) * Bn + b) * H + j] = hNext[j]!;
        hPrev = hNext;
        cPrev = cNext;
      }
      Yh.set(hPrev, (d * Bn + b) * H);
      Yc.set(cPrev, (d * Bn + b) * H);
    }
  }
  return [value([T, D, Bn, H], Y), value([D, Bn, H], Yh), value([D, Bn, H], Yc)];
}
