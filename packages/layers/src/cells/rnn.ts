import { ValueError, rnnBackward, rnnForward, STANDARD_LSTM } from '@lstm/core';
import { type Cell, pick } from './cell.js';

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
  blocks: () => 1,
  constantGates: () => ({}),
  peepholeSize: () => 0,
  setForgetBias: () => {
    throw new ValueError('RNN: forgetBias applies to LSTMs only');
  },
  forward: (config, x, weights, h0, _c0, options) => rnnForward(x, weights, h0, { ...options, nonlinearity: config.nonlinearity }),
  backward: (config, x, weights, h0, _c0, saved, grads, options) =>
    rnnBackward(x, weights, h0, { y: saved.y }, { dy: grads.dy, dh: grads.dh }, { ...options, nonlinearity: config.nonlinearity }),
};
