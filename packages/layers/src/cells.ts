import {
  ValueError,
  gruBackward,
  gruForward,
  lstmBackward,
  lstmForward,
  rnnBackward,
  rnnForward,
  type RecurrentWeights,
  type Tensor,
} from '@lstm/core';
import type {
  CellBackwardResult,
  CellConfig,
  CellForwardResult,
  CellGradients,
  CellParameters,
  CellPassOptions,
  CellType,
} from './recurrent-types.js';

/**
 * How each cell runs one layer and direction over a whole sequence on core's fused ops, and
 * backward through it. The layer and the stream look the cell up here instead of branching.
 */
export interface Cell {
  /** Gate names in packing order: i f g o (LSTM), f g o (coupled), r z n (GRU); none for RNN. */
  gateNames(config: CellConfig): readonly string[];
  forward(
    config: CellConfig,
    x: Tensor,
    weights: RecurrentWeights,
    h0: Tensor,
    c0: Tensor | undefined,
    options: CellPassOptions,
  ): CellForwardResult;
  backward(
    config: CellConfig,
    x: Tensor,
    weights: RecurrentWeights,
    h0: Tensor,
    c0: Tensor | undefined,
    saved: CellForwardResult,
    grads: CellGradients,
    options: CellPassOptions,
  ): CellBackwardResult;
}

export const CELLS: { readonly [C in CellType]: Cell } = {
  lstm: {
    gateNames: (config) => (config.variant === 'coupled' ? ['f', 'g', 'o'] : ['i', 'f', 'g', 'o']),
    forward: (config, x, weights, h0, c0, options) =>
      lstmForward(x, weights, h0, need(c0, 'c0'), { ...options, variant: config.variant, gateActivation: config.gateActivation }),
    backward: (config, x, weights, h0, c0, saved, grads, options) => {
      const kept = { y: saved.y, gates: need(saved.gates, 'gates'), cells: need(saved.cells, 'cells') };
      return lstmBackward(x, weights, h0, need(c0, 'c0'), kept, grads, {
        ...options,
        variant: config.variant,
        gateActivation: config.gateActivation,
      });
    },
  },
  gru: {
    gateNames: () => ['r', 'z', 'n'],
    forward: (config, x, weights, h0, _c0, options) => gruForward(x, weights, h0, { ...options, gateActivation: config.gateActivation }),
    backward: (config, x, weights, h0, _c0, saved, grads, options) => {
      const kept = { y: saved.y, gates: need(saved.gates, 'gates'), hn: need(saved.hn, 'hn') };
      return gruBackward(x, weights, h0, kept, { dy: grads.dy, dh: grads.dh }, { ...options, gateActivation: config.gateActivation });
    },
  },
  rnn: {
    gateNames: () => [],
    forward: (config, x, weights, h0, _c0, options) => rnnForward(x, weights, h0, { ...options, nonlinearity: config.nonlinearity }),
    backward: (config, x, weights, h0, _c0, saved, grads, options) =>
      rnnBackward(x, weights, h0, { y: saved.y }, { dy: grads.dy, dh: grads.dh }, { ...options, nonlinearity: config.nonlinearity }),
  },
};

/**
 * A cell's configuration from a layer's options, checked: the variant (LSTM), the nonlinearity
 * (RNN) and the gate activation (LSTM, GRU) apply to their cells only, each one of its values.
 */
export function cellConfig(
  cell: CellType,
  options: { variant?: string; nonlinearity?: string; gateActivation?: string },
  what: string,
): Omit<CellConfig, 'cell'> {
  const pick = <T extends string>(name: 'variant' | 'nonlinearity' | 'gateActivation', cells: CellType[], values: readonly T[]): T => {
    const value = options[name];
    if (value !== undefined && !cells.includes(cell))
      throw new ValueError(`${what}: '${name}' applies to ${cells.map((c) => `${c.toUpperCase()}s`).join(' and ')} only`);
    if (value !== undefined && !(values as readonly string[]).includes(value))
      throw new ValueError(`${what}: unknown ${name} '${value}'; expected ${values.join(', ')}`);
    return (value as T | undefined) ?? values[0]!;
  };
  return {
    variant: pick('variant', ['lstm'], ['standard', 'peephole', 'coupled'] as const),
    nonlinearity: pick('nonlinearity', ['rnn'], ['tanh', 'relu'] as const),
    gateActivation: pick('gateActivation', ['lstm', 'gru'], ['sigmoid', 'hardSigmoid'] as const),
  };
}

/** The current values of one layer-direction's parameters. */
export function weightsOf(p: CellParameters): RecurrentWeights {
  return {
    weightIh: p.weightIh.value,
    weightHh: p.weightHh.value,
    biasIh: p.biasIh.value,
    biasHh: p.biasHh.value,
    peephole: p.peephole?.value,
  };
}

/** One layer and direction over `input` [B, T, I] (used by the layer's forward and by streams). */
export function cellForward(
  config: CellConfig,
  input: Tensor,
  p: CellParameters,
  h0: Tensor,
  c0: Tensor | undefined,
  options: CellPassOptions,
): CellForwardResult {
  return CELLS[config.cell].forward(config, input, weightsOf(p), h0, c0, options);
}

function need(value: Tensor | undefined, name: string): Tensor {
  if (!value) throw new ValueError(`recurrent backward: the forward pass kept no '${name}'; run forward with { training: true } first`);
  return value;
}
