import { type Rng, assertKnownOptions, tensor, type DType } from '@lstm/core';
import { CELLS } from './cells/index.js';
import { orthogonal, uniform, xavierUniform } from './init.js';
import { Parameter } from './parameter.js';
import type { CellConfig, CellParameters, InitOptions } from './recurrent-types.js';

/** What initialisation needs of a stack. */
export interface InitShape extends CellConfig {
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  numDirections: 1 | 2;
  dtype: DType;
}

/**
 * Initial parameters of every layer and direction, named as PyTorch names them
 * (`weight_ih_l0`, `…_reverse`). Draws come from `rng` in PyTorch's order per layer-direction:
 * weight_ih, weight_hh, bias_ih, bias_hh (then the peephole vector).
 */
export function initialiseCells(shape: InitShape, rng: Rng, init: InitOptions): CellParameters[][] {
  assertKnownOptions(`${shape.cell.toUpperCase()} init`, init, ['weightIh', 'weightHh', 'forgetBias']);
  const H = shape.hiddenSize;
  const cell = CELLS[shape.cell];
  const G = cell.blocks(shape);
  const peepholeSize = cell.peepholeSize(shape, H);
  const bound = 1 / Math.sqrt(H);
  const make = (name: string, values: Float64Array, dims: number[]) => new Parameter(name, tensor(values, dims, shape.dtype));
  const cells: CellParameters[][] = [];
  for (let layer = 0; layer < shape.numLayers; layer++) {
    const inputSize = layer === 0 ? shape.inputSize : H * shape.numDirections;
    const directions: CellParameters[] = [];
    for (let d = 0; d < shape.numDirections; d++) {
      const suffix = `_l${layer}${d === 1 ? '_reverse' : ''}`;
      const weightIh = init.weightIh === 'xavier' ? xavierUniform(rng, G * H, inputSize) : uniform(rng, G * H * inputSize, bound);
      const weightHh =
        init.weightHh === 'orthogonal' ? concatBlocks(Array.from({ length: G }, () => orthogonal(rng, H))) : uniform(rng, G * H * H, bound);
      const biasIh = uniform(rng, G * H, bound);
      const biasHh = uniform(rng, G * H, bound);
      if (init.forgetBias !== undefined) cell.setForgetBias(shape, biasIh, biasHh, H, init.forgetBias);
      const parameters: CellParameters = {
        weightIh: make(`weight_ih${suffix}`, weightIh, [G * H, inputSize]),
        weightHh: make(`weight_hh${suffix}`, weightHh, [G * H, H]),
        biasIh: make(`bias_ih${suffix}`, biasIh, [G * H]),
        biasHh: make(`bias_hh${suffix}`, biasHh, [G * H]),
      };
      if (peepholeSize > 0) parameters.peephole = make(`peephole${suffix}`, uniform(rng, peepholeSize, bound), [peepholeSize]);
      directions.push(parameters);
    }
    cells.push(directions);
  }
  return cells;
}

function concatBlocks(blocks: Float64Array[]): Float64Array {
  const out = new Float64Array(blocks.reduce((n, b) => n + b.length, 0));
  let offset = 0;
  for (const block of blocks) {
    out.set(block, offset);
    offset += block.length;
  }
  return out;
}
