import {
  Rng,
  add,
  concat,
  gather,
  reshape,
  scatterAdd,
  slice,
  transpose,
  zeros,
  type Tensor,
  assertKnownOptions,
  assertPositiveInteger,
  ValueError,
} from '@lstm/core';
import { Linear } from './linear.js';
import { RECURRENT_OPTION_NAMES, RecurrentLayer } from './recurrent.js';
import type { CellType, LayerTrace, RecurrentCache, RecurrentLayerOptions, RecurrentState } from './recurrent-types.js';
import { moveModule, type Module, type Parameter } from './parameter.js';

/**
 * What the head reads. 'last': the last layer's final state, [h_fwd_T; h_bwd_1] — PyTorch's
 * `h_n` (`fc(h[-1])`, `fc(cat(h[-2], h[-1]))`). 'last-output': the output at each sequence's last
 * step, [h_fwd_T; h_bwd_T] — PyTorch's `fc(out[:, -1])`; it differs from 'last' only in the
 * backward direction of a bidirectional layer. 'all': the output at every step (`fc(out)`).
 */
export type Readout = 'last' | 'last-output' | 'all';

export const READOUTS: readonly Readout[] = ['last', 'last-output', 'all'];

export interface SequenceModelOptions extends Omit<RecurrentLayerOptions, 'rng' | 'dropoutRng'> {
  cell?: CellType;
  /** Width of the linear head: classes, or regression targets. */
  outputSize: number;
  /**
   * 'last': the head reads the last layer's final hidden state ([h_fwd; h_bwd]) → [B, O]
   * (sequence classification / regression). 'last-output': the output at each sequence's last
   * step → [B, O] (PyTorch's `out[:, -1]`). 'all': it reads every step's output → [B, T, O]
   * (tagging, language models).
   */
  readout?: Readout;
}

// The stack's options (its generators come from `seed` here), plus the head's and the cell.
const OPTION_NAMES = [...RECURRENT_OPTION_NAMES.filter((name) => name !== 'rng' && name !== 'dropoutRng'), 'cell', 'outputSize', 'readout'];

export interface SequenceModelCache {
  rnn?: RecurrentCache;
  features: Tensor;
  batch: number;
  /** 'last-output': the rows of [B·T, D·H] the head read (b·T + length_b − 1), and T. */
  lastRows?: { rows: Int32Array; steps: number };
}

export interface SequenceForwardOptions {
  lengths?: Int32Array | readonly number[];
  initialState?: RecurrentState;
  training?: boolean;
  record?: boolean;
}

export interface SequenceForwardResult {
  /** [B, O] ('last') or [B, T, O] ('all'). */
  output: Tensor;
  /** Final recurrent state [L·D, B, H] — carry it into the next chunk (truncated BPTT, streaming). */
  state: RecurrentState;
  cache: SequenceModelCache;
  trace?: LayerTrace[];
}

/**
 * A recurrent stack and a linear head (`head.weight`, `head.bias`) — the model of every task in
 * @lstm/tasks. Parameters carry PyTorch's names, so a state dict loads into
 * `nn.LSTM(...)` + `nn.Linear(...)` as is.
 * @example
 * ```ts
 * import { tensor } from '@lstm/core';
 * import { SequenceModel, softmaxCrossEntropy } from '@lstm/layers';
 *
 * const model = new SequenceModel({ cell: 'lstm', inputSize: 1, hiddenSize: 32, outputSize: 4, readout: 'last', seed: 1 });
 * const x = tensor(new Float32Array(8 * 30), [8, 30, 1]); // [batch, time, features]
 * const { output, cache } = model.forward(x, { training: true });
 * output.shape; // [8, 4]: one row of logits per sequence
 * const { grad } = softmaxCrossEntropy(output, [0, 1, 2, 3, 0, 1, 2, 3]);
 * model.backward(grad, cache); // fills every parameter's .grad
 * ```
 */
export class SequenceModel implements Module {
  readonly rnn: RecurrentLayer;
  readonly head: Linear;
  readonly readout: Readout;
  readonly outputSize: number;

  constructor(options: SequenceModelOptions) {
    assertKnownOptions('SequenceModel', options, OPTION_NAMES);
    const { cell = 'lstm', outputSize, readout = 'last', seed, ...rest } = options;
    this.outputSize = assertPositiveInteger('SequenceModel', 'outputSize', outputSize);
    if (!READOUTS.includes(readout))
      throw new ValueError(`SequenceModel: readout '${String(readout)}' is not one of ${READOUTS.map((r) => `'${r}'`).join(', ')}`);
    this.readout = readout;
    // One stream initialises the stack, then the head (PyTorch's order); dropout draws apart.
    const rng = Rng.derive(seed ?? 0, 'init');
    this.rnn = new RecurrentLayer(cell, { ...rest, rng, dropoutRng: Rng.derive(seed ?? 0, 'dropout') });
    const features = this.rnn.hiddenSize * this.rnn.numDirections;
    this.head = new Linear({ inputSize: features, outputSize, rng, dtype: this.rnn.dtype, prefix: 'head.' });
  }

  /** Input features per step. */
  get inputSize(): number {
    return this.rnn.inputSize;
  }

  /**
   * Moves the weights (and gradients) to another registered backend, all or nothing; then
   * `await setBackend(backend)` (the Trainer's `to` does both, with the optimizer's state).
   * @example await model.to('tfjs-webgl')
   */
  async to(backend: string): Promise<this> {
    await moveModule(this, backend);
    return this;
  }

  parameters(): Parameter[] {
    return [...this.rnn.parameters(), ...this.head.parameters()];
  }

  /** x [B, T, I] → output, final state, and what backward needs. */
  forward(x: Tensor, options: SequenceForwardOptions = {}): SequenceForwardResult {
    const { output, state, cache, trace } = this.rnn.forward(x, options);
    const B = x.shape[0]!;
    let features: Tensor;
    let lastRows: SequenceModelCache['lastRows'];
    if (this.readout === 'all') {
      features = output;
    } else if (this.readout === 'last-output') {
      const [, T = 1] = x.shape;
      const rows = Int32Array.from({ length: B }, (_, b) => b * T + (options.lengths?.[b] ?? T) - 1);
      lastRows = { rows, steps: T };
      features = gather(reshape(output, [B * T, -1]), rows);
    } else {
      const { numLayers, numDirections: D, hiddenSize: H } = this.rnn;
      const last = slice(state.h, [(numLayers - 1) * D, 0, 0], [D, B, H]);
      features = reshape(transpose(last, [1, 0, 2]), [B, D * H]);
    }
    const head = this.head.forward(features);
    return { output: head.output, state, trace, cache: { rnn: cache, features: head.input, batch: B, lastRows } };
  }

  /**
   * Accumulates every parameter's gradient from ∂L/∂output (and optionally ∂L/∂(final state)).
   * Returns ∂L/∂x, ∂L/∂(initial state) and, with `record`, the per-step gradients.
   */
  backward(dOutput: Tensor, cache: SequenceModelCache, options: { dState?: { h?: Tensor; c?: Tensor }; record?: boolean } = {}) {
    const { numLayers, numDirections: D, hiddenSize: H } = this.rnn;
    const B = cache.batch;
    const dFeatures = this.head.backward(dOutput, cache.features);
    if (this.readout === 'all') {
      return this.rnn.backward(cache.rnn, { dOutput: reshape(dFeatures, [B, -1, D * H]), dState: options.dState, record: options.record });
    }
    if (cache.lastRows) {
      const { rows, steps } = cache.lastRows;
      const dOutput = reshape(scatterAdd(dFeatures, rows, B * steps), [B, steps, D * H]);
      return this.rnn.backward(cache.rnn, { dOutput, dState: options.dState, record: options.record });
    }
    const dLast = transpose(reshape(dFeatures, [B, D, H]), [1, 0, 2]);
    let dh = numLayers > 1 ? concat([zeros([(numLayers - 1) * D, B, H], dOutput.dtype), dLast], 0) : dLast;
    if (options.dState?.h) dh = add(dh, options.dState.h);
    return this.rnn.backward(cache.rnn, { dState: { h: dh, c: options.dState?.c }, record: options.record });
  }
}
