import { engine } from '../engine.js';
import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { reshape } from './shape-ops.js';
import { div } from './elementwise.js';

function reduce(name: 'Sum' | 'Max') {
  return (x: Tensor, axis?: number, keepDims = false): Tensor => {
    if (axis === undefined) {
      const flat = reshape(x, [x.size]);
      const out = engine.run(name, { x: flat }, { axis: 0, keepDims: false });
      flat.dispose();
      if (!keepDims) return out;
      const kept = reshape(
        out,
        x.shape.map(() => 1),
      );
      out.dispose();
      return kept;
    }
    return engine.run(name, { x }, { axis: normalizeAxis(axis, x.rank, name.toLowerCase()), keepDims });
  };
}

/** Sum along an axis (all axes when omitted). */
export const sum = reduce('Sum');
/** Maximum along an axis (all axes when omitted). */
export const max = reduce('Max');

export function mean(x: Tensor, axis?: number, keepDims = false): Tensor {
  const total = sum(x, axis, keepDims);
  const count = axis === undefined ? x.size : x.shape[normalizeAxis(axis, x.rank, 'mean')]!;
  const out = div(total, count);
  total.dispose();
  return out;
}

/**
 * Index of the first maximum along `axis` (default: the last), as values of x's dtype, so
 * predictions can be compared with targets on the device without a read.
 */
export function argMax(x: Tensor, axis = -1, keepDims = false): Tensor {
  return engine.run('ArgMax', { x }, { axis: normalizeAxis(axis, x.rank, 'argMax'), keepDims });
}
