import { Rng, concat, reshape, slice, transpose, zeros, type Tensor } from '@lstm/core';
import { Linear } from './linear.js';
import { RecurrentLayer, type CellType, type RecurrentCache, type RecurrentLayerOptions } from './recurrent.js';
import type { Module, Parameter } from './parameter.js';

export interface SequenceClassifierOptions extends Omit<RecurrentLayerOptions, 'rng'> {
  cell?: CellType;
  numClasses: number;
}

export interface ClassifierCache {
  rnn?: RecurrentCache;
  features: Tensor;
}

/**
 * A recurrent stack read out by a linear head from the last layer's final hidden state
 * ([h_fwd; h_bwd] when bidirectional) — the model of the long-range experiments (E1).
 * Parameters: the stack's PyTorch names plus `head.weight`, `head.bias`.
 */
export class SequenceClassifier implements Module {
  readonly rnn: RecurrentLayer;
  readonly head: Linear;

  constructor(options: SequenceClassifierOptions) {
    const { cell = 'lstm', numClasses, seed, ...rest } = options;
    const rng = new Rng(seed ?? 0);
    this.rnn = new RecurrentLayer(cell, { ...rest, rng });
    const features = this.rnn.hiddenSize * this.rnn.numDirections;
    this.head = new Linear({ inputSize: features, outputSize: numClasses, rng, dtype: this.rnn.dtype, prefix: 'head.' });
  }

  parameters(): Parameter[] {
    return [...this.rnn.parameters(), ...this.head.parameters()];
  }

  /** x [B, T, I] → logits [B, classes]. */
  forward(x: Tensor, options: { lengths?: Int32Array | readonly number[]; training?: boolean } = {}): { logits: Tensor; cache: ClassifierCache } {
    const { state, cache } = this.rnn.forward(x, options);
    const { numLayers, numDirections: D, hiddenSize: H } = this.rnn;
    const B = x.shape[0]!;
    const last = slice(state.h, [(numLayers - 1) * D, 0, 0], [D, B, H]);
    const features = reshape(transpose(last, [1, 0, 2]), [B, D * H]);
    return { logits: this.head.forward(features).output, cache: { rnn: cache, features } };
  }

  /** Accumulates every parameter's gradient from ∂L/∂logits. */
  backward(dLogits: Tensor, cache: ClassifierCache): void {
    const { numLayers, numDirections: D, hiddenSize: H } = this.rnn;
    const B = dLogits.shape[0]!;
    const dFeatures = this.head.backward(dLogits, cache.features);
    const dLast = transpose(reshape(dFeatures, [B, D, H]), [1, 0, 2]);
    const dh = numLayers > 1 ? concat([zeros([(numLayers - 1) * D, B, H], dLogits.dtype), dLast], 0) : dLast;
    this.rnn.backward(cache.rnn, { dState: { h: dh } });
  }
}
