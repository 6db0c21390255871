import {
  Rng, ShapeError, ValueError, add, assertFinite, assertShape, concat, gateCount, gruBackward, gruForward, lstmBackward, lstmForward,
  mul, reshape, rnnBackward, rnnForward, slice, tensor, zeros,
  type DType, type LstmVariant, type RnnNonlinearity, type Tensor,
} from '@lstm/core';
import { dropoutMask } from './dropout.js';
import { orthogonal, uniform, xavierUniform } from './init.js';
import { assertKnownOptions, assertPositiveInteger, assertProbability } from '@lstm/core';
import { Parameter, type Module } from './parameter.js';
import { RecurrentStream, type SerializedState } from './stream.js';

export type CellType = 'lstm' | 'gru' | 'rnn';

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

export interface RecurrentLayerOptions {
  inputSize: number;
  hiddenSize: number;
  numLayers?: number;
  bidirectional?: boolean;
  /** Dropout on each layer's output except the last, while training (PyTorch's semantics). */
  dropout?: number;
  /** LSTM: 'standard' | 'peephole' | 'coupled'. */
  variant?: LstmVariant;
  /** RNN: 'tanh' | 'relu'. */
  nonlinearity?: RnnNonlinearity;
  dtype?: DType;
  /** Seed of the generator used for initialisation and dropout (default 0)… */
  seed?: number;
  /** …or a generator shared with the rest of a model. */
  rng?: Rng;
  init?: InitOptions;
}

const OPTION_NAMES = ['inputSize', 'hiddenSize', 'numLayers', 'bidirectional', 'dropout', 'variant', 'nonlinearity', 'dtype', 'seed', 'rng', 'init'];

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
  /** Gate names in packing order: i f g o (LSTM), f g o (coupled), r z n (GRU); none for RNN. */
  gateNames: readonly string[];
  /** [B, T, G·H] post-activation gates, packed in `gateNames` order. */
  gates?: Tensor;
  /** [B, T, H] cell states c_t (LSTM). */
  cells?: Tensor;
  /** [B, T, H] hidden states h_t. */
  hidden: Tensor;
}

interface DirectionCache {
  h0: Tensor;
  c0?: Tensor;
  saved: Record<string, Tensor | undefined>;
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

interface CellParameters {
  weightIh: Parameter;
  weightHh: Parameter;
  biasIh: Parameter;
  biasHh: Parameter;
  peephole?: Parameter;
}

/**
 * A stack of recurrent layers (LSTM, GRU or vanilla RNN), uni- or bidirectional, in PyTorch's
 * parameter layout and names (`weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`,
 * `…_reverse`; peephole LSTMs add `peephole_l0` [3H] = p_i, p_f, p_o; coupled LSTMs pack
 * three gates f, g, o in [3H, ·] weights). Inputs are [batch, time, features].
 */
export class RecurrentLayer implements Module {
  readonly cell: CellType;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly numDirections: 1 | 2;
  readonly dropout: number;
  readonly variant: LstmVariant;
  readonly nonlinearity: RnnNonlinearity;
  readonly dtype: DType;
  readonly rng: Rng;
  /** cells[layer][direction] */
  readonly cells: CellParameters[][];

  constructor(cell: CellType, options: RecurrentLayerOptions) {
    const what = cell.toUpperCase();
    assertKnownOptions(what, options, OPTION_NAMES);
    this.cell = cell;
    this.inputSize = assertPositiveInteger(what, 'inputSize', options.inputSize);
    this.hiddenSize = assertPositiveInteger(what, 'hiddenSize', options.hiddenSize);
    this.numLayers = assertPositiveInteger(what, 'numLayers', options.numLayers ?? 1);
    this.numDirections = options.bidirectional ? 2 : 1;
    this.dropout = assertProbability(what, 'dropout', options.dropout ?? 0);
    this.variant = options.variant ?? 'standard';
    this.nonlinearity = options.nonlinearity ?? 'tanh';
    if (options.variant && cell !== 'lstm') throw new ValueError(`${what}: 'variant' applies to LSTMs only`);
    if (!['standard', 'peephole', 'coupled'].includes(this.variant)) throw new ValueError(`${what}: unknown variant '${this.variant}'; expected standard, peephole or coupled`);
    if (options.nonlinearity && cell !== 'rnn') throw new ValueError(`${what}: 'nonlinearity' applies to RNNs only`);
    if (!['tanh', 'relu'].includes(this.nonlinearity)) throw new ValueError(`${what}: unknown nonlinearity '${this.nonlinearity}'; expected tanh or relu`);
    this.dtype = options.dtype ?? 'float32';
    this.rng = options.rng ?? new Rng(options.seed ?? 0);
    this.cells = this.initialise(options.init ?? {});
  }

  get gateNames(): readonly string[] {
    if (this.cell === 'gru') return ['r', 'z', 'n'];
    if (this.cell === 'rnn') return [];
    return this.variant === 'coupled' ? ['f', 'g', 'o'] : ['i', 'f', 'g', 'o'];
  }

  private initialise(init: InitOptions): CellParameters[][] {
    assertKnownOptions(`${this.cell.toUpperCase()} init`, init, ['weightIh', 'weightHh', 'forgetBias']);
    const H = this.hiddenSize;
    const G = gateCount(this.cell, this.variant);
    const bound = 1 / Math.sqrt(H);
    const make = (name: string, values: Float64Array, shape: number[]) => new Parameter(name, tensor(values, shape, this.dtype));
    const cells: CellParameters[][] = [];
    for (let layer = 0; layer < this.numLayers; layer++) {
      const inputSize = layer === 0 ? this.inputSize : H * this.numDirections;
      const directions: CellParameters[] = [];
      for (let d = 0; d < this.numDirections; d++) {
        const suffix = `_l${layer}${d === 1 ? '_reverse' : ''}`;
        const weightIh = init.weightIh === 'xavier' ? xavierUniform(this.rng, G * H, inputSize) : uniform(this.rng, G * H * inputSize, bound);
        const weightHh = init.weightHh === 'orthogonal'
          ? concatBlocks(Array.from({ length: G }, () => orthogonal(this.rng, H)))
          : uniform(this.rng, G * H * H, bound);
        const biasIh = uniform(this.rng, G * H, bound);
        const biasHh = uniform(this.rng, G * H, bound);
        if (init.forgetBias !== undefined) {
          if (this.cell !== 'lstm') throw new ValueError(`${this.cell.toUpperCase()}: forgetBias applies to LSTMs only`);
          const f = this.variant === 'coupled' ? 0 : 1; // block index of the forget gate
          biasIh.fill(init.forgetBias, f * H, (f + 1) * H);
          biasHh.fill(0, f * H, (f + 1) * H);
        }
        const parameters: CellParameters = {
          weightIh: make(`weight_ih${suffix}`, weightIh, [G * H, inputSize]),
          weightHh: make(`weight_hh${suffix}`, weightHh, [G * H, H]),
          biasIh: make(`bias_ih${suffix}`, biasIh, [G * H]),
          biasHh: make(`bias_hh${suffix}`, biasHh, [G * H]),
        };
        if (this.variant === 'peephole') parameters.peephole = make(`peephole${suffix}`, uniform(this.rng, 3 * H, bound), [3 * H]);
        directions.push(parameters);
      }
      cells.push(directions);
    }
    return cells;
  }

  parameters(): Parameter[] {
    return this.cells.flat().flatMap((c) => [c.weightIh, c.weightHh, c.biasIh, c.biasHh, ...(c.peephole ? [c.peephole] : [])]);
  }

  /** Zero state [L·D, B, H] (and c for LSTMs). */
  zeroState(batch: number): RecurrentState {
    const shape = [this.numLayers * this.numDirections, batch, this.hiddenSize];
    return this.cell === 'lstm' ? { h: zeros(shape, this.dtype), c: zeros(shape, this.dtype) } : { h: zeros(shape, this.dtype) };
  }

  /**
   * Runs the stack over x [B, T, inputSize].
   * @example const { output, state } = lstm.forward(x, { training: true });
   */
  forward(x: Tensor, options: RecurrentForwardOptions = {}): RecurrentForwardResult {
    const what = this.cell.toUpperCase();
    assertKnownOptions(`${what} forward`, options, ['initialState', 'lengths', 'training', 'record']);
    assertShape(x, [null, null, this.inputSize], `${what} input`, `inputs are [batch, time, features] with features = inputSize (${this.inputSize})`);
    assertFinite(x, `${what} input`);
    const B = x.shape[0]!;
    const lengths = options.lengths ? Int32Array.from(options.lengths) : null;
    const training = options.training ?? false;
    const keepSaved = training || (options.record ?? false);
    const initial = options.initialState;
    this.checkState(initial, B, 'initialState');
    const D = this.numDirections, H = this.hiddenSize;
    const finalH: Tensor[] = [];
    const finalC: Tensor[] = [];
    const trace: LayerTrace[] = [];
    const cache: RecurrentCache = { lengths, inputs: [], masks: [], directions: [] };
    let input = x;
    for (let layer = 0; layer < this.numLayers; layer++) {
      let mask: Tensor | null = null;
      if (layer > 0 && training && this.dropout > 0) {
        mask = dropoutMask(this.rng, input.shape, this.dropout, this.dtype);
        input = mul(input, mask);
      }
      cache.inputs.push(input);
      cache.masks.push(mask);
      const outputs: Tensor[] = [];
      const directionCaches: DirectionCache[] = [];
      for (let d = 0; d < D; d++) {
        const k = layer * D + d;
        const h0 = initial ? stateSlice(initial.h, k) : zeros([B, H], this.dtype);
        const c0 = this.cell === 'lstm' ? (initial?.c ? stateSlice(initial.c, k) : zeros([B, H], this.dtype)) : undefined;
        const saved = this.cellForward(input, this.cells[layer]![d]!, h0, c0, { reverse: d === 1, lengths, record: keepSaved });
        outputs.push(saved.y!);
        finalH.push(saved.h!);
        if (saved.c) finalC.push(saved.c);
        directionCaches.push({ h0, c0, saved });
        if (options.record) {
          trace.push({ layer, direction: d === 1 ? 'reverse' : 'forward', gateNames: this.gateNames, gates: saved.gates, cells: saved.cells, hidden: saved.y! });
        }
      }
      cache.directions.push(directionCaches);
      input = D === 2 ? concat(outputs, 2) : outputs[0]!;
    }
    const result: RecurrentForwardResult = { output: input, state: { h: stackStates(finalH), ...(finalC.length ? { c: stackStates(finalC) } : {}) } };
    if (options.record) result.trace = trace;
    if (keepSaved) result.cache = cache;
    return result;
  }

  /**
   * Backpropagates through the whole stack and adds the parameter gradients to each
   * `Parameter.grad`. Needs the cache of a forward pass run with `training` or `record`.
   */
  backward(cache: RecurrentCache | undefined, options: RecurrentBackwardOptions = {}): RecurrentBackwardResult {
    const what = `${this.cell.toUpperCase()} backward`;
    assertKnownOptions(what, options, ['dOutput', 'dState', 'record']);
    if (!cache) throw new ValueError(`${what}: no cache; run forward with { training: true } first`);
    const B = cache.inputs[0]!.shape[0]!, T = cache.inputs[0]!.shape[1]!;
    const D = this.numDirections, H = this.hiddenSize;
    if (options.dOutput) assertShape(options.dOutput, [B, T, D * H], `${what} dOutput`);
    this.checkState(options.dState as RecurrentState | undefined, B, 'dState', true);
    const dInitialH: Tensor[] = new Array(this.numLayers * D);
    const dInitialC: Tensor[] = new Array(this.numLayers * D);
    const steps: StepGradients[] = [];
    let dOut = options.dOutput;
    let dx: Tensor | undefined;
    for (let layer = this.numLayers - 1; layer >= 0; layer--) {
      let dInput: Tensor | undefined;
      for (let d = 0; d < D; d++) {
        const k = layer * D + d;
        const dy = dOut && D === 2 ? slice(dOut, [0, 0, d * H], [B, T, H]) : dOut;
        const dh = options.dState?.h ? stateSlice(options.dState.h, k) : undefined;
        const dc = options.dState?.c ? stateSlice(options.dState.c, k) : undefined;
        const grads = this.cellBackward(cache, layer, d, { dy, dh, dc }, options.record ?? false);
        const parameters = this.cells[layer]![d]!;
        parameters.weightIh.accumulate(grads.dWeightIh!);
        parameters.weightHh.accumulate(grads.dWeightHh!);
        parameters.biasIh.accumulate(grads.dBiasIh!);
        parameters.biasHh.accumulate(grads.dBiasHh!);
        if (parameters.peephole) parameters.peephole.accumulate(grads.dPeephole!);
        dInitialH[k] = grads.dh0!;
        if (grads.dc0) dInitialC[k] = grads.dc0;
        if (options.record) steps.push({ layer, direction: d === 1 ? 'reverse' : 'forward', dh: grads.dhSteps!, dc: grads.dcSteps, dx: grads.dx! });
        dInput = dInput ? add(dInput, grads.dx!) : grads.dx!;
      }
      const mask = cache.masks[layer];
      if (mask) dInput = mul(dInput!, mask);
      if (layer > 0) dOut = dInput;
      else dx = dInput;
    }
    const result: RecurrentBackwardResult = {
      dx: dx!,
      dInitialState: { h: stackStates(dInitialH), ...(this.cell === 'lstm' ? { c: stackStates(dInitialC) } : {}) },
    };
    if (options.record) result.steps = steps.sort((a, b) => a.layer - b.layer || (a.direction === 'forward' ? -1 : 1));
    return result;
  }

  /** @internal One layer and direction over `input` (used by forward and by streams). */
  cellForward(input: Tensor, p: CellParameters, h0: Tensor, c0: Tensor | undefined, options: { reverse: boolean; lengths: Int32Array | null; record: boolean }): Record<string, Tensor | undefined> {
    const weights = { weightIh: p.weightIh.value, weightHh: p.weightHh.value, biasIh: p.biasIh.value, biasHh: p.biasHh.value, peephole: p.peephole?.value };
    if (this.cell === 'lstm') return lstmForward(input, weights, h0, c0!, { ...options, variant: this.variant }) as unknown as Record<string, Tensor>;
    if (this.cell === 'gru') return gruForward(input, weights, h0, options) as unknown as Record<string, Tensor>;
    return rnnForward(input, weights, h0, { ...options, nonlinearity: this.nonlinearity }) as unknown as Record<string, Tensor>;
  }

  private cellBackward(cache: RecurrentCache, layer: number, d: number, grads: { dy?: Tensor; dh?: Tensor; dc?: Tensor }, record: boolean): Record<string, Tensor | undefined> {
    const input = cache.inputs[layer]!;
    const { h0, c0, saved } = cache.directions[layer]![d]!;
    const p = this.cells[layer]![d]!;
    const weights = { weightIh: p.weightIh.value, weightHh: p.weightHh.value, biasIh: p.biasIh.value, biasHh: p.biasHh.value, peephole: p.peephole?.value };
    const options = { reverse: d === 1, lengths: cache.lengths, record };
    if (this.cell === 'lstm') {
      return lstmBackward(input, weights, h0, c0!, { y: saved.y!, gates: saved.gates!, cells: saved.cells! }, grads, { ...options, variant: this.variant }) as unknown as Record<string, Tensor>;
    }
    if (this.cell === 'gru') return gruBackward(input, weights, h0, { y: saved.y!, gates: saved.gates!, hn: saved.hn! }, grads, options) as unknown as Record<string, Tensor>;
    return rnnBackward(input, weights, h0, { y: saved.y! }, grads, { ...options, nonlinearity: this.nonlinearity }) as unknown as Record<string, Tensor>;
  }

  private checkState(state: RecurrentState | undefined, batch: number, name: string, partial = false): void {
    if (!state) return;
    const what = `${this.cell.toUpperCase()} ${name}`;
    const shape = [this.numLayers * this.numDirections, batch, this.hiddenSize];
    const hint = `states are [numLayers·numDirections, batch, hiddenSize] = [${shape.join(', ')}]`;
    if (state.h || !partial) assertShape(state.h, shape, `${what}.h`, hint);
    if (this.cell === 'lstm' && (state.c || !partial)) {
      if (!state.c) throw new ShapeError(`${what}: an LSTM state needs both h and c`);
      assertShape(state.c, shape, `${what}.c`, hint);
    }
    if (state.h) assertFinite(state.h, `${what}.h`);
    if (state.c) assertFinite(state.c, `${what}.c`);
  }

  /**
   * Opens a step-by-step inference stream (O(1) per step); pass a saved `state` to resume.
   * @example const stream = lstm.stream(); const h = stream.step([0.1, 0.2]);
   */
  stream(options: { batch?: number; state?: SerializedState } = {}): RecurrentStream {
    return new RecurrentStream(this, options);
  }

  dispose(): void {
    for (const p of this.parameters()) p.dispose();
  }
}

/** Per-(layer, direction) states [B, H] → PyTorch's [L·D, B, H]. */
function stackStates(states: Tensor[]): Tensor {
  return concat(states.map((s) => reshape(s, [1, ...s.shape])), 0);
}

function stateSlice(state: Tensor, k: number): Tensor {
  const [, B, H] = state.shape as [number, number, number];
  return reshape(slice(state, [k, 0, 0], [1, B, H]), [B, H]);
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

/** A long short-term memory stack (standard, peephole or coupled input–forget gates). */
export class LSTM extends RecurrentLayer {
  constructor(options: RecurrentLayerOptions) {
    super('lstm', options);
  }
}

/** A gated recurrent unit stack (PyTorch's formulation). */
export class GRU extends RecurrentLayer {
  constructor(options: RecurrentLayerOptions) {
    super('gru', options);
  }
}

/** A vanilla (Elman) RNN stack, tanh or relu. */
export class RNN extends RecurrentLayer {
  constructor(options: RecurrentLayerOptions) {
    super('rnn', options);
  }
}
