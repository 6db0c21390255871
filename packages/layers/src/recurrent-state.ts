import { ShapeError, assertFinite, assertShape, concat, reshape, slice, type Tensor } from '@lstm/core';
import { CELLS } from './cells/index.js';
import type { RecurrentState, StackConfig } from './recurrent-types.js';

/** Per-(layer, direction) states [B, H] → PyTorch's [L·D, B, H]. */
export function stackStates(states: Tensor[]): Tensor {
  return concat(
    states.map((s) => reshape(s, [1, ...s.shape])),
    0,
  );
}

/** Layer-direction k's [B, H] state out of [L·D, B, H]. */
export function stateSlice(state: Tensor, k: number): Tensor {
  const [, B, H] = state.shape as [number, number, number];
  return reshape(slice(state, [k, 0, 0], [1, B, H]), [B, H]);
}

/**
 * Checks a state (or a state gradient, `partial`: h or c may be absent) against the stack:
 * [numLayers · numDirections, batch, hiddenSize] each, finite, with c for LSTMs.
 */
export function checkState(stack: StackConfig, state: RecurrentState | undefined, batch: number, name: string, partial = false): void {
  if (!state) return;
  const what = `${stack.cell.toUpperCase()} ${name}`;
  const shape = [stack.numLayers * stack.numDirections, batch, stack.hiddenSize];
  const hint = `states are [numLayers·numDirections, batch, hiddenSize] = [${shape.join(', ')}]`;
  if (state.h || !partial) assertShape(state.h, shape, `${what}.h`, hint);
  if (CELLS[stack.cell].hasCellState && (state.c || !partial)) {
    if (!state.c) throw new ShapeError(`${what}: a state with a cell state needs both h and c`);
    assertShape(state.c, shape, `${what}.c`, hint);
  }
  if (state.h) assertFinite(state.h, `${what}.h`);
  if (state.c) assertFinite(state.c, `${what}.c`);
}
