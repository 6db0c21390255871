import {
  Rng,
  ValueError,
  add,
  assertFinite,
  assertKnownOptions,
  assertPositiveInteger,
  assertProbability,
  assertShape,
  concat,
  mul,
  slice,
  zeros,
  type DType,
  type GateActivation,
  type LstmForm,
  type LstmVariant,
  type RnnNonlinearity,
  type Tensor,
} from '@lstm/core';
import { CELLS, cellConfig, cellForward, weightsOf } from './cells/index.js';
import { dropoutMask } from './dropout.js';
import type { Module, Parameter } from './parameter.js';
import { initialiseCells } from './recurrent-init.js';
import {
  RECURRENT_OPTION_NAMES,
  type CellBackwardResult,
  type CellGradients,
  type CellParameters,
  type CellType,
  type DirectionCache,
  type LayerTrace,
  type RecurrentBackwardOptions,
  type RecurrentBackwardResult,
  type RecurrentCache,
  type RecurrentForwardOptions,
  type RecurrentForwardResult,
  type RecurrentLayerOptions,
  type RecurrentState,
  type StackConfig,
  type StepGradients,
} from './recurrent-types.js';
import { checkState, stackStates, stateSlice } from './recurrent-state.js';
import { RecurrentStream, type SerializedState } from './stream.js';

export { RECURRENT_OPTION_NAMES } from './recurrent-types.js';

/**
 * A stack of recurrent layers (LSTM, GRU or vanilla RNN), uni- or bidirectional, in PyTorch's
 * parameter layout and names (`weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`,
 * `…_reverse`; peephole LSTMs add `peephole_l0` [3H] = p_i, p_f, p_o; an LSTM packs only its
 * learned gates, e.g. f, g, o in [3H, ·] weights for the coupled cell). Inputs are [batch, time,
 * features]. What differs between cells lives in one file per cell, under `cells/`.
 */
export class RecurrentLayer implements Module, StackConfig {
  readonly cell: CellType;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly numDirections: 1 | 2;
  readonly dropout: number;
  readonly variant: LstmVariant;
  readonly form: LstmForm;
  readonly pin: Readonly<Record<string, number>>;
  readonly nonlinearity: RnnNonlinearity;
  readonly gateActivation: GateActivation;
  readonly dtype: DType;
  /** The generator of dropout masks (its state is saved with checkpoints to resume bit for bit). */
  readonly rng: Rng;
  /** cells[layer][direction] */
  readonly cells: CellParameters[][];

  constructor(cell: CellType, options: RecurrentLayerOptions) {
    const what = cell.toUpperCase();
    assertKnownOptions(what, options, RECURRENT_OPTION_NAMES);
    this.cell = cell;
    this.inputSize = assertPositiveInteger(what, 'inputSize', options.inputSize);
    this.hiddenSize = assertPositiveInteger(what, 'hiddenSize', options.hiddenSize);
    this.numLayers = assertPositiveInteger(what, 'numLayers', options.numLayers ?? 1);
    this.numDirections = options.bidirectional ? 2 : 1;
    this.dropout = assertProbability(what, 'dropout', options.dropout ?? 0);
    ({
      variant: this.variant,
      form: this.form,
      pin: this.pin,
      nonlinearity: this.nonlinearity,
      gateActivation: this.gateActivation,
    } = cellConfig(cell, options, what));
    this.dtype = options.dtype ?? 'float32';
    const seed = options.seed ?? 0;
    this.rng = options.dropoutRng ?? options.rng ?? Rng.derive(seed, 'dropout');
    this.cells = initialiseCells(this, options.rng ?? Rng.derive(seed, 'init'), options.init ?? {});
  }

  /** Gate names in packing order: i f g o (LSTM: its learned gates), r z n (GRU); none for RNN. */
  get gateNames(): readonly string[] {
    return CELLS[this.cell].gateNames(this);
  }

  /** Pinned gates and their constant values (LSTM). */
  get constantGates(): Readonly<Record<string, number>> {
    return CELLS[this.cell].constantGates(this);
  }

  parameters(): Parameter[] {
    return this.cells.flat().flatMap((c) => Object.values(c));
  }

  /** Zero state [L·D, B, H] (and c for LSTMs). */
  zeroState(batch: number): RecurrentState {
    const shape = [this.numLayers * this.numDirections, batch, this.hiddenSize];
    return CELLS[this.cell].hasCellState ? { h: zeros(shape, this.dtype), c: zeros(shape, this.dtype) } : { h: zeros(shape, this.dtype) };
  }

  /**
   * Runs the stack over x [B, T, inputSize].
   * @example const { output, state } = lstm.forward(x, { training: true });
   */
  forward(x: Tensor, options: RecurrentForwardOptions = {}): RecurrentForwardResult {
    const what = this.cell.toUpperCase();
    assertKnownOptions(`${what} forward`, options, ['initialState', 'lengths', 'training', 'record']);
    assertShape(
      x,
      [null, null, this.inputSize],
      `${what} input`,
      `inputs are [batch, time, features] with features = inputSize (${this.inputSize})`,
    );
    assertFinite(x, `${what} input`);
    const B = x.shape[0]!;
    const lengths = options.lengths ? Int32Array.from(options.lengths) : null;
    const training = options.training ?? false;
    const keepSaved = training || (options.record ?? false);
    const initial = options.initialState;
    checkState(this, initial, B, 'initialState');
    const D = this.numDirections,
      H = this.hiddenSize;
    const finalH: Tensor[] = [];
    const finalC: Tensor[] = [];
    const trace: LayerTrace[] = [];
    const cache: RecurrentCache = { lengths, inputs: [], masks: [], directions: [] };
    let input = x;
    for (const [layer, directions] of this.cells.entries()) {
      let mask: Tensor | null = null;
      if (layer > 0 && training && this.dropout > 0) {
        mask = dropoutMask(this.rng, input.shape, this.dropout, this.dtype);
        input = mul(input, mask);
      }
      cache.inputs.push(input);
      cache.masks.push(mask);
      const outputs: Tensor[] = [];
      const directionCaches: DirectionCache[] = [];
      for (const [d, parameters] of directions.entries()) {
        const k = layer * D + d;
        const h0 = initial ? stateSlice(initial.h, k) : zeros([B, H], this.dtype);
        const c0 = CELLS[this.cell].hasCellState ? (initial?.c ? stateSlice(initial.c, k) : zeros([B, H], this.dtype)) : undefined;
        const saved = cellForward(this, input, parameters, h0, c0, { reverse: d === 1, lengths, record: keepSaved });
        outputs.push(saved.y);
        finalH.push(saved.h);
        if (saved.c) finalC.push(saved.c);
        directionCaches.push({ h0, c0, saved });
        if (options.record) {
          trace.push({
            layer,
            direction: d === 1 ? 'reverse' : 'forward',
            gateNames: this.gateNames,
            constantGates: this.constantGates,
            gates: saved.gates,
            cells: saved.cells,
            hidden: saved.y,
          });
        }
      }
      cache.directions.push(directionCaches);
      input = D === 2 ? concat(outputs, 2) : outputs[0]!;
    }
    const result: RecurrentForwardResult = {
      output: input,
      state: { h: stackStates(finalH), ...(finalC.length ? { c: stackStates(finalC) } : {}) },
    };
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
    const [B, T] = cache.inputs[0]?.shape ?? [];
    if (B === undefined || T === undefined)
      throw new ValueError(`${what}: the cache holds no layer inputs; pass the cache of this layer's forward pass`);
    const D = this.numDirections,
      H = this.hiddenSize;
    if (options.dOutput) assertShape(options.dOutput, [B, T, D * H], `${what} dOutput`);
    checkState(this, options.dState as RecurrentState | undefined, B, 'dState', true);
    const dInitialH: Tensor[] = new Array(this.numLayers * D);
    const dInitialC: Tensor[] = new Array(this.numLayers * D);
    const steps: StepGradients[] = [];
    let dOut = options.dOutput;
    for (let layer = this.numLayers - 1; layer >= 0; layer--) {
      const dInputs: Tensor[] = [];
      for (let d = 0; d < D; d++) {
        const k = layer * D + d;
        const dy = dOut && D === 2 ? slice(dOut, [0, 0, d * H], [B, T, H]) : dOut;
        const dh = options.dState?.h ? stateSlice(options.dState.h, k) : undefined;
        const dc = options.dState?.c ? stateSlice(options.dState.c, k) : undefined;
        const grads = this.cellBackward(cache, layer, d, { dy, dh, dc }, options.record ?? false);
        accumulateInto(this.cellAt(layer, d), grads);
        dInitialH[k] = grads.dh0;
        if (grads.dc0) dInitialC[k] = grads.dc0;
        if (options.record) {
          if (!grads.dhSteps) throw new ValueError(`${what}: the backend returned no per-step gradients for record`);
          steps.push({ layer, direction: d === 1 ? 'reverse' : 'forward', dh: grads.dhSteps, dc: grads.dcSteps, dx: grads.dx });
        }
        dInputs.push(grads.dx);
      }
      let dInput = dInputs.reduce((sum, term) => add(sum, term));
      const mask = cache.masks[layer];
      if (mask) dInput = mul(dInput, mask);
      dOut = dInput;
    }
    const result: RecurrentBackwardResult = {
      dx: dOut ?? zeros([B, T, this.inputSize], this.dtype),
      dInitialState: { h: stackStates(dInitialH), ...(CELLS[this.cell].hasCellState ? { c: stackStates(dInitialC) } : {}) },
    };
    if (options.record) result.steps = steps.sort((a, b) => a.layer - b.layer || (a.direction === 'forward' ? -1 : 1));
    return result;
  }

  /** Parameters of one layer and direction (checked: a cache from another layer cannot index past them). */
  private cellAt(layer: number, d: number): CellParameters {
    const parameters = this.cells[layer]?.[d];
    if (!parameters)
      throw new ValueError(
        `${this.cell.toUpperCase()}: no layer ${layer}, direction ${d}; this stack has ${this.numLayers} layer(s) × ${this.numDirections}`,
      );
    return parameters;
  }

  private cellBackward(cache: RecurrentCache, layer: number, d: number, grads: CellGradients, record: boolean): CellBackwardResult {
    const input = cache.inputs[layer];
    const direction = cache.directions[layer]?.[d];
    if (!input || !direction)
      throw new ValueError(
        `${this.cell.toUpperCase()} backward: the cache does not match this layer; pass the cache of its own forward pass`,
      );
    const { h0, c0, saved } = direction;
    const options = { reverse: d === 1, lengths: cache.lengths, record };
    return CELLS[this.cell].backward(this, input, weightsOf(this.cellAt(layer, d)), h0, c0, saved, grads, options);
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

/** Adds one layer-direction's weight gradients to its parameters' `grad`. */
function accumulateInto(parameters: CellParameters, grads: CellBackwardResult): void {
  for (const [key, parameter] of Object.entries(parameters)) {
    const grad = grads.grads[key];
    if (!grad) throw new ValueError(`recurrent backward: the cell returned no gradient for '${parameter.name}'`);
    parameter.accumulate(grad);
  }
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
