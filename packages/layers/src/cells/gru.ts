import { ValueError, gruBackward, gruForward, GATE_ACTIVATIONS, STANDARD_LSTM } from '@lstm/core';
import { type Cell, kernelGradients, need, pick, projections, recurrentWeights } from './cell.js';

/** PyTorch's nn.GRU: r, z, n, with the reset gate applied after the recurrent product. */
export const gru: Cell = {
  name: 'gru',
  description: 'gated recurrent unit (PyTorch nn.GRU: r, z, n; reset after the product)',
  options: { gateActivation: GATE_ACTIVATIONS },
  configure: (options, what) => ({
    variant: 'standard',
    form: STANDARD_LSTM,
    pin: {},
    nonlinearity: 'tanh',
    gateActivation: pick(options, 'gateActivation', GATE_ACTIVATIONS, what),
  }),
  gateNames: () => ['r', 'z', 'n'],
  constantGates: () => ({}),
  hasCellState: false,
  parameters: (_config, inputSize, H) => projections(3, inputSize, H),
  setForgetBias: () => {
    throw new ValueError('GRU: forgetBias applies to LSTMs only');
  },
  forward: (config, x, weights, h0, _c0, options) =>
    gruForward(x, recurrentWeights(weights), h0, { ...options, gateActivation: config.gateActivation }),
  backward: (config, x, weights, h0, _c0, saved, grads, options) => {
    const kept = { y: saved.y, gates: need(saved.gates, 'gates'), hn: need(saved.hn, 'hn') };
    return kernelGradients(
      gruBackward(
        x,
        recurrentWeights(weights),
        h0,
        kept,
        { dy: grads.dy, dh: grads.dh },
        { ...options, gateActivation: config.gateActivation },
      ),
    );
  },
};
