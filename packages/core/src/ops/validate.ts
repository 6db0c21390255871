import { engine } from '../engine.js';
import { ShapeError, ValueError } from '../errors.js';
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';

/**
 * Throws a ShapeError unless `x` has `expected` shape; `null` entries match any size.
 * @example assertShape(x, [null, null, 8], 'LSTM input')
 */
export function assertShape(x: Tensor, expected: readonly (number | null)[], what: string, hint = ''): void {
  const ok = x.rank === expected.length && expected.every((d, i) => d === null || d === x.shape[i]);
  if (!ok) {
    const wanted = `[${expected.map((d) => (d === null ? '*' : d)).join(', ')}]`;
    throw new ShapeError(`${what}: expected shape ${wanted}, got ${formatShape(x.shape)}${hint ? `; ${hint}` : ''}`);
  }
}

/**
 * When `configure({ checkFinite })` is on (the default) and the backend reads synchronously
 * without stalling (capability `readSync`),
 * throws a ValueError naming the first NaN or infinite value of `x`.
 */
export function assertFinite(x: Tensor, what: string): void {
  if (!engine.options.checkFinite || !x.data.backend.capabilities.readSync) return;
  const values = x.readSync();
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) {
      throw new ValueError(
        `${what}: value ${values[i]} at flat index ${i} is not finite; clean the data or turn the check off with configure({ checkFinite: false })`,
      );
    }
  }
}
