import { ShapeError } from './errors.js';

/**
 * Shapes and the one axis order used everywhere in @lstm:
 *
 *   sequences      [batch, time, features]
 *   states         [batch, hidden]
 *   packed gates   [batch, time, gates * hidden]   (gate blocks in PyTorch order)
 *   weights        [out, in]                       (PyTorch's layout: y = x Wᵀ + b)
 */
export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let size = 1;
  for (const dimension of shape) size *= dimension;
  return size;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((dimension, axis) => dimension === b[axis]);
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** Row-major strides of a shape. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    strides[axis] = stride;
    stride *= shape[axis]!;
  }
  return strides;
}

/** NumPy broadcasting of two shapes; throws a ShapeError naming both when they do not broadcast. */
export function broadcastShapes(a: Shape, b: Shape, opName: string): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        `${opName}: shapes ${formatShape(a)} and ${formatShape(b)} do not broadcast; make the sizes equal or 1 on each axis`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

export function normalizeAxis(axis: number, rank: number, opName: string): number {
  const normalized = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(normalized) || normalized < 0 || normalized >= rank) {
    throw new ShapeError(`${opName}: axis ${axis} is out of range for a rank-${rank} tensor; use an axis in [${-rank}, ${rank - 1}]`);
  }
  return normalized;
}

export function assertValidShape(shape: Shape, where: string): void {
  for (const dimension of shape) {
    if (!Number.isInteger(dimension) || dimension < 0) {
      throw new ShapeError(`${where}: invalid shape ${formatShape(shape)}; every dimension must be a non-negative integer`);
    }
  }
}
