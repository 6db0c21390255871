import {
  Rng,
  ValueError,
  gather,
  reshape,
  scatterAdd,
  tensor,
  type DType,
  type Tensor,
  assertKnownOptions,
  assertPositiveInteger,
} from '@lstm/core';
import { Parameter, type Module } from './parameter.js';

export interface EmbeddingOptions {
  numEmbeddings: number;
  embeddingDim: number;
  dtype?: DType;
  seed?: number;
  rng?: Rng;
  prefix?: string;
}

/** A lookup table [num, dim] initialised N(0, 1), PyTorch's nn.Embedding. */
export class Embedding implements Module {
  readonly weight: Parameter;

  constructor(readonly options: EmbeddingOptions) {
    assertKnownOptions('Embedding', options, ['numEmbeddings', 'embeddingDim', 'dtype', 'seed', 'rng', 'prefix']);
    const num = assertPositiveInteger('Embedding', 'numEmbeddings', options.numEmbeddings);
    const dim = assertPositiveInteger('Embedding', 'embeddingDim', options.embeddingDim);
    const rng = options.rng ?? Rng.derive(options.seed ?? 0, 'init');
    const values = Float64Array.from({ length: num * dim }, () => rng.normal());
    this.weight = new Parameter(`${options.prefix ?? ''}weight`, tensor(values, [num, dim], options.dtype ?? 'float32'));
  }

  parameters(): Parameter[] {
    return [this.weight];
  }

  /** indices with shape `shape` (e.g. [B, T]) → [...shape, dim]. */
  forward(indices: Int32Array | readonly number[], shape: readonly number[] = [indices.length]): Tensor {
    const flat = indices instanceof Int32Array ? indices : Int32Array.from(indices);
    if (shape.reduce((n, d) => n * d, 1) !== flat.length)
      throw new ValueError(`Embedding: ${flat.length} indices do not fill shape [${shape.join(', ')}]`);
    const rows = gather(this.weight.value, flat);
    return reshape(rows, [...shape, this.options.embeddingDim]);
  }

  /** Adds the rows of dOutput into the table's gradient at the looked-up indices. */
  backward(dOutput: Tensor, indices: Int32Array | readonly number[]): void {
    const flat = indices instanceof Int32Array ? indices : Int32Array.from(indices);
    this.weight.accumulate(scatterAdd(reshape(dOutput, [flat.length, this.options.embeddingDim]), flat, this.options.numEmbeddings));
  }
}
