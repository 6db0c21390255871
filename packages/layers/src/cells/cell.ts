import { ValueError, type RecurrentWeights, type Tensor } from '@lstm/core';
import type { CellBackwardResult, CellConfig, CellForwardResult, CellGradients, CellPassOptions } from '../recurrent-types.js';

/** One layer-direction's parameter values, by the keys of the cell's specs. */
export type CellWeights = Readonly<Record<string, Tensor>>;

/**
 * A parameter of a cell (per layer and direction): its key, its stored name (PyTorch's where
 * PyTorch has the cell: `weight_ih` becomes `weight_ih_l0`, `…_l1_reverse`), its shape and how it
 * starts — 'weightIh' and 'weightHh' are the two projections (PyTorch's U(−1/√H, 1/√H), or the
 * stack's `init` choices), 'uniform' PyTorch's U(−1/√H, 1/√H), 'ones' and 'zeros' constants.
 * Draws follow the order of the specs.
 */
export interface ParameterSpec {
  key: string;
  name: string;
  shape: readonly number[];
  init: 'weightIh' | 'weightHh' | 'uniform' | 'ones' | 'zeros';
}

/**
 * PyTorch's four parameters of a gated cell with `blocks` gate blocks — weight_ih [blocks·H, I],
 * weight_hh [blocks·H, H], bias_ih, bias_hh [blocks·H] — a peephole vector when `peephole` > 0, and
 * with `gateRecurrence` the [3H, 3H] matrix weight_gg by which i, f, o read the previous step's i, f, o.
 */
export function projections(blocks: number, inputSize: number, H: number, peephole = 0, gateRecurrence = false): ParameterSpec[] {
  const specs: ParameterSpec[] = [
    { key: 'weightIh', name: 'weight_ih', shape: [blocks * H, inputSize], init: 'weightIh' },
    { key: 'weightHh', name: 'weight_hh', shape: [blocks * H, H], init: 'weightHh' },
    { key: 'biasIh', name: 'bias_ih', shape: [blocks * H], init: 'uniform' },
    { key: 'biasHh', name: 'bias_hh', shape: [blocks * H], init: 'uniform' },
  ];
  if (peephole > 0) specs.push({ key: 'peephole', name: 'peephole', shape: [peephole], init: 'uniform' });
  if (gateRecurrence) specs.push({ key: 'gateRecurrence', name: 'weight_gg', shape: [3 * H, 3 * H], init: 'uniform' });
  return specs;
}

/** The weights core's fused recurrent ops take, from a cell's weights. */
export function recurrentWeights(w: CellWeights): RecurrentWeights {
  const get = (key: string) => w[key] ?? missing(key);
  return {
    weightIh: get('weightIh'),
    weightHh: get('weightHh'),
    biasIh: get('biasIh'),
    biasHh: get('biasHh'),
    peephole: w.peephole,
    gateRecurrence: w.gateRecurrence,
  };
}

/** A fused op's backward outputs as a cell's backward result. */
export function kernelGradients(r: {
  dx: Tensor;
  dh0: Tensor;
  dc0?: Tensor;
  dWeightIh: Tensor;
  dWeightHh: Tensor;
  dBiasIh: Tensor;
  dBiasHh: Tensor;
  dPeephole?: Tensor;
  dGateRecurrence?: Tensor;
  dhSteps?: Tensor;
  dcSteps?: Tensor;
}): CellBackwardResult {
  const grads: Record<string, Tensor> = { weightIh: r.dWeightIh, weightHh: r.dWeightHh, biasIh: r.dBiasIh, biasHh: r.dBiasHh };
  if (r.dPeephole) grads.peephole = r.dPeephole;
  if (r.dGateRecurrence) grads.gateRecurrence = r.dGateRecurrence;
  return { dx: r.dx, dh0: r.dh0, dc0: r.dc0, grads, dhSteps: r.dhSteps, dcSteps: r.dcSteps };
}

function missing(key: string): never {
  throw new ValueError(`recurrent cell: no parameter '${key}'`);
}

/** The options of a stack that belong to its cell; a cell names the ones it takes. */
export type CellOptionName = 'variant' | 'pin' | 'nonlinearity' | 'gateActivation';

/** A cell's options as a stack receives them (checked by the cell that takes them). */
export interface CellOptions {
  variant?: string;
  pin?: Readonly<Record<string, number>>;
  nonlinearity?: string;
  gateActivation?: string;
}

/**
 * Everything that differs between cells, in one object per cell (one file each under `cells/`): its name
 * and options, its gates, its parameters beyond PyTorch's four, how it initialises, and how it
 * runs one layer and direction over a whole sequence (core's fused op: a backend's kernel or
 * core's reference composition) and back. The stack, the model file, the CLI and viz read it.
 */
export interface Cell {
  readonly name: string;
  /** One line for help texts. */
  readonly description: string;
  /** The options of RecurrentLayerOptions this cell takes, and the values each may have. */
  readonly options: { readonly [K in CellOptionName]?: readonly string[] };
  /** The cell's settings from a stack's options (already checked against `options`). */
  configure(options: CellOptions, what: string): Omit<CellConfig, 'cell'>;
  /** Gate names in packing order, one [H] block of the weights each: i f g o (nn.LSTM), r z n (GRU), none (RNN). */
  gateNames(config: CellConfig): readonly string[];
  /** Gates with no weights, at a constant value (an LSTM's pinned gates). */
  constantGates(config: CellConfig): Readonly<Record<string, number>>;
  /** Whether the cell carries a cell state c besides h (LSTMs). */
  readonly hasCellState: boolean;
  /** Its parameters per layer and direction, in the order they are drawn at initialisation. */
  parameters(config: CellConfig, inputSize: number, hiddenSize: number): ParameterSpec[];
  /**
   * Sets initial values (by spec key) so the forget gate starts at σ(value) (`init.forgetBias`),
   * or explains in the thrown error why this cell cannot.
   */
  setForgetBias(config: CellConfig, values: Readonly<Record<string, Float64Array>>, hiddenSize: number, value: number): void;
  forward(
    config: CellConfig,
    x: Tensor,
    weights: CellWeights,
    h0: Tensor,
    c0: Tensor | undefined,
    options: CellPassOptions,
  ): CellForwardResult;
  backward(
    config: CellConfig,
    x: Tensor,
    weights: CellWeights,
    h0: Tensor,
    c0: Tensor | undefined,
    saved: CellForwardResult,
    grads: CellGradients,
    options: CellPassOptions,
  ): CellBackwardResult;
}

/** A per-step value the forward pass must have kept for the backward. */
export function need(value: Tensor | undefined, name: string): Tensor {
  if (!value) throw new ValueError(`recurrent backward: the forward pass kept no '${name}'; run forward with { training: true } first`);
  return value;
}

/** The option `name` of a cell, one of `values` (the first when absent). */
export function pick<T extends string>(
  options: CellOptions,
  name: 'variant' | 'nonlinearity' | 'gateActivation',
  values: readonly T[],
  what: string,
): T {
  const value = options[name];
  if (value !== undefined && !(values as readonly string[]).includes(value))
    throw new ValueError(`${what}: unknown ${name} '${value}'; expected ${values.join(', ')}`);
  return (value as T | undefined) ?? values[0]!;
}
