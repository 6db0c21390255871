import { ValueError, type Tensor } from '@lstm/core';
import type { CellConfig, CellForwardResult, CellParameters, CellPassOptions } from '../recurrent-types.js';
import type { Cell, CellOptionName, CellOptions, CellWeights } from './cell.js';
import { gru } from './gru.js';
import { layerNormLstm } from './layernorm-lstm.js';
import { lstm } from './lstm.js';
import { rnn } from './rnn.js';

export type { Cell, CellOptionName, CellOptions, CellWeights, ParameterSpec } from './cell.js';

/**
 * The cell registry: every cell, one file each (docs/architecture.md, "Adding a cell"). The stack,
 * streams, model files, the CLI's --cell and viz look cells up here instead of branching.
 */
export const CELLS = { lstm, gru, rnn, 'ln-lstm': layerNormLstm } as const satisfies Readonly<Record<string, Cell>>;

/** The name of a registered cell. */
export type CellType = keyof typeof CELLS;

/** Every registered cell's name. */
export const CELL_TYPES = Object.keys(CELLS) as CellType[];

const OPTION_NAMES: readonly CellOptionName[] = ['variant', 'pin', 'nonlinearity', 'gateActivation'];

/**
 * A cell's configuration from a stack's options, checked: each cell option applies to the cells
 * that name it only (and must be one of its values).
 */
export function cellConfig(cell: CellType, options: CellOptions, what: string): Omit<CellConfig, 'cell'> {
  const descriptor: Cell = CELLS[cell];
  for (const name of OPTION_NAMES) {
    if (options[name] !== undefined && !descriptor.options[name]) {
      const takers = Object.values(CELLS as Readonly<Record<string, Cell>>).filter((c) => c.options[name]);
      throw new ValueError(`${what}: '${name}' applies to ${takers.map((c) => `${c.name.toUpperCase()}s`).join(' and ')} only`);
    }
  }
  return descriptor.configure(options, what);
}

/** The current values of one layer-direction's parameters, by key. */
export function weightsOf(p: CellParameters): CellWeights {
  const weights: Record<string, Tensor> = {};
  // Once per layer and step (streaming too): a plain loop, no intermediate arrays.
  for (const key in p) {
    const parameter = p[key as keyof CellParameters];
    if (parameter) weights[key] = parameter.value;
  }
  return weights as CellWeights;
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
