import { type Rng, assertKnownOptions, tensor, type DType } from '@lstm/core';
import { CELLS, type ParameterSpec } from './cells/index.js';
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
 * (`weight_ih_l0`, `…_reverse`). Draws come from `rng` in the order of the cell's parameter specs
 * per layer-direction — PyTorch's: weight_ih, weight_hh, bias_ih, bias_hh (then the peephole vector).
 */
export function initialiseCells(shape: InitShape, rng: Rng, init: InitOptions): CellParameters[][] {
  assertKnownOptions(`${shape.cell.toUpperCase()} init`, init, ['weightIh', 'weightHh', 'forgetBias']);
  const H = shape.hiddenSize;
  const cell = CELLS[shape.cell];
  const bound = 1 / Math.sqrt(H);
  const cells: CellParameters[][] = [];
  for (let layer = 0; layer < shape.numLayers; layer++) {
    const inputSize = layer === 0 ? shape.inputSize : H * shape.numDirections;
    const specs = cell.parameters(shape, inputSize, H);
    const directions: CellParameters[] = [];
    for (let d = 0; d < shape.numDirections; d++) {
      const suffix = `_l${layer}${d === 1 ? '_reverse' : ''}`;
      const drawn = specs.map((spec) => ({ spec, values: initialValues(spec, rng, init, H, bound) }));
      if (init.forgetBias !== undefined)
        cell.setForgetBias(shape, Object.fromEntries(drawn.map((d) => [d.spec.key, d.values])), H, init.forgetBias);
      const parameters: Record<string, Parameter> = {};
      for (const { spec, values } of drawn)
        parameters[spec.key] = new Parameter(`${spec.name}${suffix}`, tensor(values, [...spec.shape], shape.dtype));
      directions.push(parameters);
    }
    cells.push(directions);
  }
  return cells;
}

/** One parameter's starting values, drawn from `rng` as its spec says. */
function initialValues(spec: ParameterSpec, rng: Rng, init: InitOptions, H: number, bound: number): Float64Array {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  const [rows = 0, columns = 0] = spec.shape;
  switch (spec.init) {
    case 'weightIh':
      return init.weightIh === 'xavier' ? xavierUniform(rng, rows, columns) : uniform(rng, size, bound);
    case 'weightHh':
      return init.weightHh === 'orthogonal'
        ? concatBlocks(Array.from({ length: rows / H }, () => orthogonal(rng, H)))
        : uniform(rng, size, bound);
    case 'uniform':
      return uniform(rng, size, bound);
    case 'ones':
      return new Float64Array(size).fill(1);
    case 'zeros':
      return new Float64Array(size);
  }
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
