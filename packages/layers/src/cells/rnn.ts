import { ValueError, rnnBackward, rnnForward, STANDARD_LSTM } from '@lstm/core';
import { type Cell, kernelGradients, pick, projections, recurrentWeights } from './cell.js';

const NONLINEARITIES = ['tanh', 'relu'] as const;

/** PyTorch's nn.RNN (Elman): h_t = tanh or relu of the two projections. */
export const rnn: Cell = {
  name: 'rnn',
  description: 'vanilla (Elman) RNN, PyTorch nn.RNN: tanh or relu',
  options: { nonlinearity: NONLINEARITIES },
  configure: (options, what) => ({
    variant: 'standard',
    form: STANDARD_LSTM,
    pin: {},
    nonlinearity: pick(options, 'nonlinearity', NONLINEARITIES, what),
    gateActivation: 'sigmoid',
  }),
  gateNames: () => [],
  constantGates: () => ({}),
  hasCellState: false,
  parameters: (_config, inputSize, H) => projections(1, inputSize, H),
  setForgetBias: () => {
    throw new ValueError('RNN: forgetBias applies to LSTMs only');
  },
  forward: (config, x, weights, h0, _c0, options) =>
    rnnForward(x, recurrentWeights(weights), h0, { ...options, nonlinearity: config.nonlinearity }),
  backward: (config, x, weights, h0, _c0, saved, grads, options) =>
    kernelGradients(
      rnnBackward(
        x,
        recurrentWeights(weights),
        h0,
        { y: saved.y },
        { dy: grads.dy, dh: grads.dh },
        { ...options, nonlinearity: config.nonlinearity },
      ),
    ),
};
