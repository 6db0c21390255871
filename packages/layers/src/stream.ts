import { Tensor, ValueError, assertFinite, assertShape, keep, reshape, tensor, tidy, type FloatArray } from '@lstm/core';
import { CELLS, cellForward } from './cells/index.js';
import type { StackConfig } from './recurrent-types.js';

/** A stream's state as plain JSON: h (and c) flattened from [numLayers, batch, hidden]. */
export interface SerializedState {
  cell: string;
  numLayers: number;
  hiddenSize: number;
  batch: number;
  h: number[];
  c?: number[];
}

/**
 * Stateful inference one step at a time at O(1) cost per step (spec §5, E5): the stream keeps
 * only h (and c) per layer, never the history. `state` is a plain serialisable object, so a
 * stream can be saved, sent elsewhere and resumed.
 * @example
 *   const stream = lstm.stream();
 *   for (const x of samples) { const y = stream.step(x); …; y.dispose(); }
 */
export class RecurrentStream {
  readonly batch: number;
  #h: Tensor[];
  #c: Tensor[];

  constructor(
    readonly layer: StackConfig,
    options: { batch?: number; state?: SerializedState } = {},
  ) {
    if (layer.numDirections !== 1) throw new ValueError('stream: a bidirectional layer reads the future; stream a unidirectional one');
    const state = options.state;
    this.batch = state?.batch ?? options.batch ?? 1;
    const { numLayers, hiddenSize: H, cell, dtype } = layer;
    if (
      state &&
      (state.cell !== cell || state.numLayers !== numLayers || state.hiddenSize !== H || state.h.length !== numLayers * this.batch * H)
    ) {
      throw new ValueError(
        `stream: saved state (${state.cell}, ${state.numLayers} layers, hidden ${state.hiddenSize}) does not fit this ${cell} (${numLayers} layers, hidden ${H})`,
      );
    }
    const size = this.batch * H;
    const part = (values: number[] | undefined, l: number) =>
      keep(tensor(values ? values.slice(l * size, (l + 1) * size) : new Array(size).fill(0), [this.batch, H], dtype));
    this.#h = Array.from({ length: numLayers }, (_, l) => part(state?.h, l));
    this.#c = CELLS[cell].hasCellState ? Array.from({ length: numLayers }, (_, l) => part(state?.c, l)) : [];
  }

  /**
   * Advances one step. `x` is [batch, inputSize] (or its flat values); returns the last
   * layer's h_t [batch, hidden], owned by the caller.
   */
  step(x: Tensor | ArrayLike<number>): Tensor {
    const { layer, batch } = this;
    return tidy(() => {
      const input = isTensor(x)
        ? x
        : tensor(ArrayBuffer.isView(x) ? (x as FloatArray) : Array.from(x), [batch, layer.inputSize], layer.dtype);
      assertShape(input, [batch, layer.inputSize], 'stream step input', `one step is [batch, inputSize] = [${batch}, ${layer.inputSize}]`);
      assertFinite(input, 'stream step input');
      let current = reshape(input, [batch, 1, layer.inputSize]);
      for (let l = 0; l < layer.numLayers; l++) {
        const out = cellForward(layer, current, layer.cells[l]![0]!, this.#h[l]!, this.#c[l], {
          reverse: false,
          lengths: null,
          record: false,
        });
        this.#h[l]!.dispose();
        this.#h[l] = keep(out.h);
        if (out.c) {
          this.#c[l]!.dispose();
          this.#c[l] = keep(out.c);
        }
        current = out.y;
      }
      return reshape(current, [batch, layer.hiddenSize]);
    });
  }

  /** The current state as plain JSON (a copy). */
  get state(): SerializedState {
    const flat = (parts: Tensor[]) => parts.flatMap((t) => Array.from(t.readSync()));
    const state: SerializedState = {
      cell: this.layer.cell,
      numLayers: this.layer.numLayers,
      hiddenSize: this.layer.hiddenSize,
      batch: this.batch,
      h: flat(this.#h),
    };
    if (this.#c.length) state.c = flat(this.#c);
    return state;
  }

  dispose(): void {
    for (const t of [...this.#h, ...this.#c]) t.dispose();
  }
}

function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}
