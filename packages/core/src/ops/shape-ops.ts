import type { DType } from '../dtype.js';
import { engine } from '../engine.js';
import { ShapeError, ValueError } from '../errors.js';
import { formatShape, normalizeAxis, type Shape, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';

/** Same data, new shape (no copy; shares storage). One axis may be -1. */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const resolved = [...shape];
  const unknown = resolved.indexOf(-1);
  if (unknown >= 0) {
    const known = sizeOf(resolved.filter((_, i) => i !== unknown));
    resolved[unknown] = known === 0 ? 0 : x.size / known;
  }
  if (sizeOf(resolved) !== x.size || resolved.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ShapeError(`reshape: cannot view ${formatShape(x.shape)} (${x.size} values) as ${formatShape(shape)}`);
  }
  return engine.makeView(x, resolved);
}

/** Permutes axes; defaults to reversing them. */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  const resolved = perm ?? x.shape.map((_, i) => x.rank - 1 - i);
  if (resolved.length !== x.rank || [...resolved].sort().some((axis, i) => axis !== i)) {
    throw new ShapeError(`transpose: perm [${resolved.join(', ')}] is not a permutation of the ${x.rank} axes of ${formatShape(x.shape)}`);
  }
  return engine.run('Transpose', { x }, { perm: resolved });
}

/** A contiguous block: `size[i] = -1` takes the rest of axis i. */
export function slice(x: Tensor, begin: readonly number[], size: readonly number[]): Tensor {
  if (begin.length !== x.rank || size.length !== x.rank) {
    throw new ShapeError(`slice: begin and size need ${x.rank} entries for ${formatShape(x.shape)}`);
  }
  const resolved = size.map((s, i) => (s === -1 ? x.shape[i]! - begin[i]! : s));
  resolved.forEach((s, i) => {
    if (begin[i]! < 0 || s < 0 || begin[i]! + s > x.shape[i]!) {
      throw new ShapeError(`slice: [${begin[i]}, ${begin[i]! + s}) is outside axis ${i} of ${formatShape(x.shape)}`);
    }
  });
  return engine.run('Slice', { x }, { begin, size: resolved });
}

export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new ValueError('concat: needs at least one tensor');
  const first = xs[0]!;
  const normalized = normalizeAxis(axis, first.rank, 'concat');
  for (const x of xs) {
    if (x.rank !== first.rank || x.shape.some((d, i) => i !== normalized && d !== first.shape[i])) {
      throw new ShapeError(`concat: ${formatShape(x.shape)} does not match ${formatShape(first.shape)} except on axis ${normalized}`);
    }
    if (x.dtype !== first.dtype) throw new ValueError(`concat: dtypes differ (${first.dtype} and ${x.dtype})`);
  }
  return engine.run('Concat', { xs }, { axis: normalized });
}

/** Rows of a rank-2 table (embedding lookup). */
export function gather(x: Tensor, indices: Int32Array | readonly number[]): Tensor {
  if (x.rank !== 2) throw new ShapeError(`gather: expected a rank-2 table, got ${formatShape(x.shape)}`);
  const resolved = indices instanceof Int32Array ? indices : Int32Array.from(indices);
  for (const index of resolved) {
    if (index < 0 || index >= x.shape[0]!) throw new ValueError(`gather: index ${index} is outside the table's ${x.shape[0]} rows`);
  }
  return engine.run('Gather', { x }, { indices: resolved });
}

/** Sums `updates` rows into a zero [numRows, cols] table at `indices` (gather's gradient). */
export function scatterAdd(updates: Tensor, indices: Int32Array, numRows: number): Tensor {
  if (updates.rank !== 2 || updates.shape[0] !== indices.length) {
    throw new ShapeError(`scatterAdd: updates ${formatShape(updates.shape)} must be [${indices.length}, cols]`);
  }
  return engine.run('ScatterAdd', { updates }, { indices, numRows });
}

export function cast(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return reshape(x, x.shape);
  return engine.run('Cast', { x }, { dtype });
}
