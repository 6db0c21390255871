import {
  STANDARD_LSTM,
  ValueError,
  add,
  concat,
  div,
  keepWhereMasked,
  matMul,
  mean,
  mul,
  neg,
  sigmoid,
  slice,
  sqrt,
  stackSteps,
  stepMask,
  stepOf,
  sub,
  sum,
  tanh,
  tidy,
  timeOrder,
  zeros,
  type Tensor,
} from '@lstm/core';
import { type Cell, type CellWeights, need } from './cell.js';

const oneMinus = (x: Tensor) => add(neg(x), 1);

/** PyTorch's nn.LayerNorm default. */
const EPSILON = 1e-5;

/** x [B, F] normalised over F: x̂ = (x − μ) / σ, σ = √(var + ε) (biased variance, as nn.LayerNorm). */
function normalise(x: Tensor): { xhat: Tensor; sigma: Tensor } {
  const centred = sub(x, mean(x, 1, true));
  const sigma = sqrt(add(mean(mul(centred, centred), 1, true), EPSILON));
  return { xhat: div(centred, sigma), sigma };
}

/** ∂L/∂x from ∂L/∂x̂ for x̂ = (x − μ) / σ: (dx̂ − mean(dx̂) − x̂ ⊙ mean(dx̂ ⊙ x̂)) / σ. */
function normaliseBackward(dxhat: Tensor, xhat: Tensor, sigma: Tensor): Tensor {
  return div(sub(sub(dxhat, mean(dxhat, 1, true)), mul(xhat, mean(mul(dxhat, xhat), 1, true))), sigma);
}

const gateBlock = (packed: Tensor, k: number, H: number) => slice(packed, [0, k * H], [packed.shape[0] ?? 0, H]);

/** One step's normalised projections, gates and new cell, from x_t, h_{t−1}, c_{t−1}. */
function step(w: CellWeights, x: Tensor, h: Tensor, c: Tensor, H: number) {
  const get = (key: string) => w[key] ?? missingWeight(key);
  const nx = normalise(matMul(x, get('weightIh'), { transposeB: true }));
  const nh = normalise(matMul(h, get('weightHh'), { transposeB: true }));
  const pre = add(add(mul(nx.xhat, get('lnIhWeight')), get('lnIhBias')), add(mul(nh.xhat, get('lnHhWeight')), get('lnHhBias')));
  const i = sigmoid(gateBlock(pre, 0, H));
  const f = sigmoid(gateBlock(pre, 1, H));
  const g = tanh(gateBlock(pre, 2, H));
  const o = sigmoid(gateBlock(pre, 3, H));
  const cNew = add(mul(f, c), mul(i, g));
  const nc = normalise(cNew);
  const squashed = tanh(add(mul(nc.xhat, get('lnCellWeight')), get('lnCellBias')));
  return { nx, nh, nc, i, f, g, o, cNew, squashed, h: mul(o, squashed) };
}

function missingWeight(key: string): never {
  throw new ValueError(`LayerNorm-LSTM: no parameter '${key}'`);
}

/**
 * LayerNorm-LSTM (Ba, Kiros & Hinton, "Layer Normalization", 2016, eq. 20–22): the input and
 * recurrent projections are normalised apart, over all four gates, each with its gain and bias,
 * and so is the cell state before its tanh:
 *   (i, f, g, o) = LN(W_ih x_t; γ_ih, β_ih) + LN(W_hh h_{t−1}; γ_hh, β_hh)   (σ, σ, tanh, σ)
 *   c_t = f ⊙ c_{t−1} + i ⊙ g        h_t = o ⊙ tanh(LN(c_t; γ_c, β_c))
 * (the β's are the biases). No backend fuses it: it runs as core's ops, step by step, on every
 * backend, forward and backward (gradients checked against PyTorch autograd and by finite
 * differences).
 */
export const layerNormLstm: Cell = {
  name: 'ln-lstm',
  description: 'LayerNorm-LSTM (Ba et al. 2016): normalised projections and cell state',
  options: {},
  configure: () => ({
    variant: 'standard',
    form: STANDARD_LSTM,
    pin: {},
    nonlinearity: 'tanh',
    gateActivation: 'sigmoid',
  }),
  gateNames: () => ['i', 'f', 'g', 'o'],
  constantGates: () => ({}),
  hasCellState: true,
  parameters: (_config, inputSize, H) => [
    { key: 'weightIh', name: 'weight_ih', shape: [4 * H, inputSize], init: 'weightIh' },
    { key: 'weightHh', name: 'weight_hh', shape: [4 * H, H], init: 'weightHh' },
    { key: 'lnIhWeight', name: 'ln_ih_weight', shape: [4 * H], init: 'ones' },
    { key: 'lnIhBias', name: 'ln_ih_bias', shape: [4 * H], init: 'zeros' },
    { key: 'lnHhWeight', name: 'ln_hh_weight', shape: [4 * H], init: 'ones' },
    { key: 'lnHhBias', name: 'ln_hh_bias', shape: [4 * H], init: 'zeros' },
    { key: 'lnCellWeight', name: 'ln_cell_weight', shape: [H], init: 'ones' },
    { key: 'lnCellBias', name: 'ln_cell_bias', shape: [H], init: 'zeros' },
  ],
  setForgetBias: (_config, values, H, value) => {
    values.lnIhBias?.fill(value, H, 2 * H);
  },
  forward: (_config, x, w, h0, c0, options) =>
    tidy(() => {
      const [B, T] = x.shape as [number, number];
      const [, H = 0] = h0.shape;
      let h = h0;
      let c = need(c0, 'c0');
      const ys: Tensor[] = new Array(T);
      const gates: Tensor[] = new Array(T);
      const cells: Tensor[] = new Array(T);
      for (const t of timeOrder(T, options.reverse)) {
        const m = stepMask(options.lengths, t, B, x.dtype);
        const next = step(w, stepOf(x, t), h, c, H);
        ys[t] = mul(m, next.h);
        h = keepWhereMasked(m, next.h, h);
        c = keepWhereMasked(m, next.cNew, c);
        gates[t] = mul(m, concat([next.i, next.f, next.g, next.o], 1));
        cells[t] = c;
      }
      const out = { y: stackSteps(ys), h, c, ...(options.record ? { gates: stackSteps(gates), cells: stackSteps(cells) } : {}) };
      return out;
    }),
  backward: (_config, x, w, h0, c0, saved, grads, options) =>
    tidy(() => {
      const [B, T] = x.shape as [number, number];
      const [, H = 0] = h0.shape;
      const cells = need(saved.cells, 'cells');
      const c0v = need(c0, 'c0');
      const get = (key: string) => w[key] ?? missingWeight(key);
      let dh = grads.dh ?? zeros([B, H], x.dtype);
      let dc = grads.dc ?? zeros([B, H], x.dtype);
      const total: Record<string, Tensor> = {};
      const addTo = (key: string, value: Tensor) => {
        const prior = total[key];
        total[key] = prior ? add(prior, value) : value;
      };
      const dxs: Tensor[] = new Array(T);
      const dhSteps: Tensor[] = new Array(T);
      const dcSteps: Tensor[] = new Array(T);
      const order = timeOrder(T, options.reverse);
      for (const [s, t] of [...order.entries()].reverse()) {
        const previous = order[s - 1] ?? -1;
        const m = stepMask(options.lengths, t, B, x.dtype);
        const hPrev = previous < 0 ? h0 : keepWhereMasked(stepMask(options.lengths, previous, B, x.dtype), stepOf(saved.y, previous), h0);
        const cPrev = previous < 0 ? c0v : stepOf(cells, previous);
        const xt = stepOf(x, t);
        // The forward step again (projections and statistics are cheaper to recompute than to keep).
        const { nx, nh, nc, i, f, g, o, squashed } = step(w, xt, hPrev, cPrev, H);
        const dhT = grads.dy ? add(dh, mul(m, stepOf(grads.dy, t))) : dh;
        const dOpre = mul(mul(dhT, squashed), mul(o, oneMinus(o)));
        const dLnCell = mul(m, mul(mul(dhT, o), oneMinus(mul(squashed, squashed))));
        addTo('lnCellWeight', sum(mul(dLnCell, nc.xhat), 0));
        addTo('lnCellBias', sum(dLnCell, 0));
        const dcT = add(dc, normaliseBackward(mul(dLnCell, get('lnCellWeight')), nc.xhat, nc.sigma));
        const dIpre = mul(mul(dcT, g), mul(i, oneMinus(i)));
        const dFpre = mul(mul(dcT, cPrev), mul(f, oneMinus(f)));
        const dGpre = mul(mul(dcT, i), oneMinus(mul(g, g)));
        const dPre = mul(m, concat([dIpre, dFpre, dGpre, dOpre], 1));
        addTo('lnIhWeight', sum(mul(dPre, nx.xhat), 0));
        addTo('lnIhBias', sum(dPre, 0));
        addTo('lnHhWeight', sum(mul(dPre, nh.xhat), 0));
        addTo('lnHhBias', sum(dPre, 0));
        const dAx = normaliseBackward(mul(dPre, get('lnIhWeight')), nx.xhat, nx.sigma);
        const dAh = normaliseBackward(mul(dPre, get('lnHhWeight')), nh.xhat, nh.sigma);
        addTo('weightIh', matMul(dAx, xt, { transposeA: true }));
        addTo('weightHh', matMul(dAh, hPrev, { transposeA: true }));
        dxs[t] = matMul(dAx, get('weightIh'));
        dhSteps[t] = mul(m, dhT);
        dcSteps[t] = mul(m, dcT);
        dh = keepWhereMasked(m, matMul(dAh, get('weightHh')), dh);
        dc = keepWhereMasked(m, mul(dcT, f), dc);
      }
      return {
        dx: stackSteps(dxs),
        dh0: dh,
        dc0: dc,
        grads: total,
        ...(options.record ? { dhSteps: stackSteps(dhSteps), dcSteps: stackSteps(dcSteps) } : {}),
      };
    }),
};
