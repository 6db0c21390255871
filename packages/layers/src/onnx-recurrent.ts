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
  if (attributes.get('clip')) throw new GraphError(`${op} with clip`);
  // input_forget = 1 couples the gates, f = 1 − i (onnxruntime's reading, and Greff's CIFG): f's rows and p_f go unused.
  const coupled = op === 'LSTM' && Number(attributes.get('input_forget')?.i ?? 0) === 1;
  const names = (attributes.get('activations')?.strings ?? []).map((s) => new TextDecoder().decode(s));
  if (attributes.get('activation_alpha') || attributes.get('activation_beta'))
    throw new GraphError(`${op} with activation_alpha or activation_beta`);
  const defaults = DEFAULTS[op];
  // One list per direction (forward's, then reverse's), or one for both.
  const activation = (d: number, k: number) => {
    const name = names[(names.length === defaults.length * D ? d * defaults.length : 0) + k] ?? defaults[k] ?? 0;
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
  if (op === 'GRU' && Number(attributes.get('linear_before_reset')?.i ?? 0) !== 1) throw new GraphError('GRU with linear_before_reset = 0');
  const Y = new Float64Array(T * D * Bn * H);
  const Yh = new Float64Array(D * Bn * H);
  const Yc = new Float64Array(D * Bn * H);
  const GH = G * H;
  const [Xd, Wd, Rd] = [X.data, W.data, R.data];
  for (let d = 0; d < D; d++) {
    const [f, g, h] = [activation(d, 0), activation(d, 1 % defaults.length), activation(d, 2 % defaults.length)];
    const wBase = d * GH * I;
    const rBase = d * GH * H;
    const bias = (k: number) => Bias?.data[d * 2 * GH + k] ?? 0;
    const wb = Float64Array.from({ length: GH }, (_, k) => bias(k));
    const rb = Float64Array.from({ length: GH }, (_, k) => bias(GH + k));
    const xw = new Float64Array(GH); // x·Wᵀ + Wb, all gates
    const hr = new Float64Array(GH); // h·Rᵀ + Rb, all gates
    const p = (gate: number, j: number) => P?.data[d * 3 * H + gate * H + j] ?? 0;
    // Two state buffers per row, swapped each step (the step reads one and writes the other).
    let [hNext, cNext] = [new Float64Array(H), new Float64Array(H)];
    for (let b = 0; b < Bn; b++) {
      const length = lengths ? (lengths.data[b] ?? 0) : T;
      let hPrev = Float64Array.from({ length: H }, (_, j) => h0?.data[(d * Bn + b) * H + j] ?? 0);
      let cPrev = Float64Array.from({ length: H }, (_, j) => c0?.data[(d * Bn + b) * H + j] ?? 0);
      for (let s = 0; s < length; s++) {
        const t = d === 0 ? s : length - 1 - s;
        const xAt = (t * Bn + b) * I;
        for (let row = 0; row < GH; row++) {
          let sx = wb[row] ?? 0;
          for (let k = 0, w = wBase + row * I; k < I; k++) sx += (Xd[xAt + k] ?? 0) * (Wd[w + k] ?? 0);
          xw[row] = sx;
          let sh = rb[row] ?? 0;
          for (let k = 0, r = rBase + row * H; k < H; k++) sh += (hPrev[k] ?? 0) * (Rd[r + k] ?? 0);
          hr[row] = sh;
        }
        for (let j = 0; j < H; j++) {
          if (op === 'LSTM') {
            const i = f((xw[j] ?? 0) + (hr[j] ?? 0) + p(0, j) * (cPrev[j] ?? 0));
            const fg = coupled ? 1 - i : f((xw[2 * H + j] ?? 0) + (hr[2 * H + j] ?? 0) + p(2, j) * (cPrev[j] ?? 0));
            cNext[j] = fg * (cPrev[j] ?? 0) + i * g((xw[3 * H + j] ?? 0) + (hr[3 * H + j] ?? 0));
            const o = f((xw[H + j] ?? 0) + (hr[H + j] ?? 0) + p(1, j) * (cNext[j] ?? 0));
            hNext[j] = o * h(cNext[j] ?? 0);
          } else if (op === 'GRU') {
            const z = f((xw[j] ?? 0) + (hr[j] ?? 0));
            const reset = f((xw[H + j] ?? 0) + (hr[H + j] ?? 0));
            // linear_before_reset = 0 would need (r ⊙ h)·Rᵀ, a product of its own: refused with the node.
            hNext[j] = (1 - z) * g((xw[2 * H + j] ?? 0) + reset * (hr[2 * H + j] ?? 0)) + z * (hPrev[j] ?? 0);
          } else hNext[j] = f((xw[j] ?? 0) + (hr[j] ?? 0));
          Y[((t * D + d) * Bn + b) * H + j] = hNext[j] ?? 0;
        }
        [hPrev, hNext] = [hNext, hPrev];
        [cPrev, cNext] = [cNext, cPrev];
      }
      Yh.set(hPrev, (d * Bn + b) * H);
      Yc.set(cPrev, (d * Bn + b) * H);
    }
  }
  return [value([T, D, Bn, H], Y), value([D, Bn, H], Yh), value([D, Bn, H], Yc)];
}
