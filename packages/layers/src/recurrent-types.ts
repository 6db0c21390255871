import type { DType, GateActivation, LstmForm, LstmVariant, RnnNonlinearity, Rng, Tensor } from '@lstm/core';
import type { Parameter } from './parameter.js';

/**
 * The types of the recurrent layers: options, states, traces, caches and results. They live
 * apart from the layer so that `cells.ts`, `stream.ts` and `recurrent.ts` can share them
 * without importing each other in a circle.
 */

export type { CellType } from './cells/index.js';
import type { CellType } from './cells/index.js';

export interface InitOptions {
  /** 'default' = PyTorch's U(−1/√H, 1/√H); 'xavier' = Glorot uniform. */
  weightIh?: 'default' | 'xavier';
  /** 'default' = PyTorch's; 'orthogonal' = an orthogonal matrix per gate block. */
  weightHh?: 'default' | 'orthogonal';
  /**
   * LSTM only: the forget gate's total bias b_ih_f + b_hh_f (b_ih_f = value, b_hh_f = 0), so
   * the cell keeps its memory at the start of training. Typical: 1.0 or 2.0. Unset = random.
   */
  forgetBias?: number;
}

/** Every option of a recurrent stack (unknown ones are refused by name). */
export const RECURRENT_OPTION_NAMES: readonly (keyof RecurrentLayerOptions)[] = [
  'inputSize',
  'hiddenSize',
  'numLayers',
  'bidirectional',
  'dropout',
  'variant',
  'pin',
  'nonlinearity',
  'gateActivation',
  'dtype',
  'seed',
  'rng',
  'dropoutRng',
  'init',
];

export interface RecurrentLayerOptions {
  inputSize: number;
  hiddenSize: number;
  numLayers?: number;
  bidirectional?: boolean;
  /** Dropout on each layer's output except the last, while training (PyTorch's semantics). */
  dropout?: number;
  /**
   * LSTM: 'standard' (nn.LSTM), 'peephole', 'coupled' (i = 1 − f), or one of Greff et al.'s:
   * 'vanilla' (= peephole), 'nig', 'nfg', 'nog', 'niaf', 'noaf', 'np' (= standard), 'cifg' (f = 1 − i),
   * 'fgr' (full gate recurrence: i, f, o read the previous step's i, f, o through `weight_gg` [3H, 3H]).
   */
  variant?: LstmVariant;
  /** LSTM: gates held at a constant in [0, 1] instead of learned (no weights), e.g. { f: 1 }. */
  pin?: { i?: number; f?: number; o?: number };
  /** RNN: 'tanh' | 'relu'. */
  nonlinearity?: RnnNonlinearity;
  /** LSTM, GRU: the gates' squashing, 'sigmoid' (default, PyTorch's) or 'hardSigmoid' (TensorFlow.js's default). */
  gateActivation?: GateActivation;
  dtype?: DType;
  /**
   * Seed (default 0): initialisation and dropout masks draw from two independent streams
   * derived from it, `Rng.derive(seed, 'init')` and `Rng.derive(seed, 'dropout')`…
   */
  seed?: number;
  /** …or a generator shared with the rest of a model, for initialisation (and dropout, unless `dropoutRng`). */
  rng?: Rng;
  /** The generator of dropout masks, when `rng` is given and dropout should draw apart from it. */
  dropoutRng?: Rng;
  init?: InitOptions;
}

/** State in PyTorch's layout: [numLayers · numDirections, batch, hidden]. `c` for LSTMs only. */
export interface RecurrentState {
  h: Tensor;
  c?: Tensor;
}

export interface RecurrentForwardOptions {
  initialState?: RecurrentState;
  /** Valid steps per sequence (padded batches); padded steps leave the state untouched. */
  lengths?: Int32Array | readonly number[];
  /** Apply dropout and keep what backward needs. */
  training?: boolean;
  /** Return per-step gate activations and cell states of every layer and direction. */
  record?: boolean;
}

/** Per-step activations of one layer and direction (introspection). */
export interface LayerTrace {
  layer: number;
  direction: 'forward' | 'reverse';
  /** Gate names in packing order: i f g o (LSTM; its learned gates only), r z n (GRU); none for RNN. */
  gateNames: readonly string[];
  /** Gates with no weights and a constant value (an LSTM's pinned gates), not in `gates`. */
  constantGates?: Readonly<Record<string, number>>;
  /** [B, T, G·H] post-activation gates, packed in `gateNames` order. */
  gates?: Tensor;
  /** [B, T, H] cell states c_t (LSTM). */
  cells?: Tensor;
  /** [B, T, H] hidden states h_t. */
  hidden: Tensor;
}

/** One layer-direction's forward inputs and outputs, kept for its backward. */
export interface DirectionCache {
  h0: Tensor;
  c0?: Tensor;
  saved: CellForwardResult;
}

/** What backward needs from a training forward pass. Disposed with the enclosing tidy(). */
export interface RecurrentCache {
  lengths: Int32Array | null;
  inputs: Tensor[];
  masks: (Tensor | null)[];
  directions: DirectionCache[][];
}

export interface RecurrentForwardResult {
  /** [B, T, D·H]: the last layer's h_t, both directions concatenated ([h_fwd; h_bwd]). */
  output: Tensor;
  /** Final states [L·D, B, H] (for padded rows: the state at their last valid step). */
  state: RecurrentState;
  trace?: LayerTrace[];
  cache?: RecurrentCache;
}

export interface RecurrentBackwardOptions {
  /** ∂L/∂output [B, T, D·H]. */
  dOutput?: Tensor;
  /** ∂L/∂(final state), [L·D, B, H] each. */
  dState?: { h?: Tensor; c?: Tensor };
  /** Return per-step ∂L/∂h_t, ∂L/∂c_t and ∂L/∂x_t for every layer and direction. */
  record?: boolean;
}

/** Per-step gradients of one layer and direction. */
export interface StepGradients {
  layer: number;
  direction: 'forward' | 'reverse';
  /** [B, T, H] total ∂L/∂h_t. */
  dh: Tensor;
  /** [B, T, H] total ∂L/∂c_t (LSTM). */
  dc?: Tensor;
  /** [B, T, I_layer] ∂L/∂(this layer's input at t) through this direction. */
  dx: Tensor;
}

export interface RecurrentBackwardResult {
  /** ∂L/∂x [B, T, I]. */
  dx: Tensor;
  /** ∂L/∂(initial state) [L·D, B, H]. */
  dInitialState: RecurrentState;
  steps?: StepGradients[];
}

/**
 * One layer-direction's parameters, by the keys of its cell's parameter specs (cells/cell.ts):
 * weightIh, weightHh, biasIh, biasHh for PyTorch's cells, `peephole` for LSTMs with peepholes, and
 * whatever else a cell declares.
 */
export type CellParameters = Readonly<Record<string, Parameter>>;

/** What a cell's forward needs to know of its layer: the cell, its variant and parameters. */
export interface CellConfig {
  readonly cell: CellType;
  readonly variant: LstmVariant;
  /** What the LSTM computes: the variant with its pins (core's lstm-form.ts); the standard form for other cells. */
  readonly form: LstmForm;
  /** The LSTM's pinned gates, as given (empty for other cells). */
  readonly pin: Readonly<Record<string, number>>;
  readonly nonlinearity: RnnNonlinearity;
  readonly gateActivation: GateActivation;
}

/** The shape of a stack, as streams and the cell table see it (RecurrentLayer implements it). */
export interface StackConfig extends CellConfig {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly numDirections: 1 | 2;
  readonly dtype: DType;
  /** cells[layer][direction] */
  readonly cells: readonly (readonly CellParameters[])[];
}

/** Options of one layer-direction's pass over a sequence. */
export interface CellPassOptions {
  reverse: boolean;
  lengths: Int32Array | null;
  record: boolean;
}

/**
 * One layer-direction's forward outputs, whatever the cell: y [B, T, H], final h (and c for
 * LSTMs) [B, H]; with `record`, the per-step values its backward needs (LSTM: gates, cells;
 * GRU: gates, hn; RNN: y alone).
 */
export interface CellForwardResult {
  y: Tensor;
  h: Tensor;
  c?: Tensor;
  gates?: Tensor;
  cells?: Tensor;
  hn?: Tensor;
}

/** Gradients flowing into one layer-direction: ∂L/∂y [B, T, H], ∂L/∂(final h, c) [B, H]. */
export interface CellGradients {
  dy?: Tensor;
  dh?: Tensor;
  dc?: Tensor;
}

/** One layer-direction's backward outputs, whatever the cell (`dc0`, `dcSteps` for cells with a cell state). */
export interface CellBackwardResult {
  dx: Tensor;
  dh0: Tensor;
  dc0?: Tensor;
  /** ∂L/∂ each parameter, by the keys of the cell's parameter specs. */
  grads: Readonly<Record<string, Tensor>>;
  dhSteps?: Tensor;
  dcSteps?: Tensor;
}
