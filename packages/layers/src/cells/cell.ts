import { ValueError, type RecurrentWeights, type Tensor } from '@lstm/core';
import type { CellBackwardResult, CellConfig, CellForwardResult, CellGradients, CellPassOptions, CellType } from '../recurrent-types.js';

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
 * Everything that differs between cells, in one object per cell (`cells/<name>.ts`): its name
 * and options, its gates, its parameters beyond PyTorch's four, how it initialises, and how it
 * runs one layer and direction over a whole sequence (core's fused op: a backend's kernel or
 * core's reference composition) and back. The stack, the model file, the CLI and viz read it.
 */
export interface Cell {
  readonly name: CellType;
  /** One line for help texts. */
  readonly description: string;
  /** The options of RecurrentLayerOptions this cell takes, and the values each may have. */
  readonly options: { readonly [K in CellOptionName]?: readonly string[] };
  /** The cell's settings from a stack's options (already checked against `options`). */
  configure(options: CellOptions, what: string): Omit<CellConfig, 'cell'>;
  /** Gate names in packing order, one [H] block of the weights each: i f g o (nn.LSTM), r z n (GRU), none (RNN). */
  gateNames(config: CellConfig): readonly string[];
  /** [H] blocks in the packed weights [blocks·H, ·]: the gates, or 1 for a gateless cell. */
  blocks(config: CellConfig): number;
  /** Gates with no weights, at a constant value (an LSTM's pinned gates). */
  constantGates(config: CellConfig): Readonly<Record<string, number>>;
  /** Length of the peephole vector per layer-direction (0: none). */
  peepholeSize(config: CellConfig, hiddenSize: number): number;
  /**
   * Sets the biases so the forget gate starts at σ(value) (`init.forgetBias`), or explains in
   * the thrown error why this cell cannot.
   */
  setForgetBias(config: CellConfig, biasIh: Float64Array, biasHh: Float64Array, hiddenSize: number, value: number): void;
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
