import { arrayFor, type DType, type FloatArray } from '../dtype.js';
import { engine } from '../engine.js';
import { ShapeError, ValueError } from '../errors.js';
import { assertValidShape, formatShape, type Shape, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';

type NestedNumbers = number | readonly NestedNumbers[];

/**
 * Creates a tensor on the active backend from a typed array, a flat or nested number array.
 * The values are copied; the caller keeps its array.
 * @example tensor([[1, 2], [3, 4]]).shape  // [2, 2]
 */
export function tensor(values: FloatArray | NestedNumbers, shape?: Shape, dtype?: DType): Tensor {
  const resolvedDtype: DType = dtype ?? (values instanceof Float64Array ? 'float64' : 'float32');
  const inferred = ArrayBuffer.isView(values) ? [values.length] : inferShape(values);
  const resolvedShape = shape ?? inferred;
  assertValidShape(resolvedShape, 'tensor');
  let flat: FloatArray;
  if (ArrayBuffer.isView(values)) {
    flat =
      values instanceof (resolvedDtype === 'float64' ? Float64Array : Float32Array)
        ? values
        : arrayFor(resolvedDtype, values.length).map((_, i) => values[i]!);
  } else {
    flat = arrayFor(resolvedDtype, sizeOf(inferred));
    flatten(values, flat, 0);
  }
  if (flat.length !== sizeOf(resolvedShape)) {
    throw new ShapeError(`tensor: ${flat.length} values cannot fill shape ${formatShape(resolvedShape)} (needs ${sizeOf(resolvedShape)})`);
  }
  return engine.makeTensor(flat, resolvedShape, resolvedDtype);
}

/**
 * Wraps a typed array without copying: the backend takes ownership of `values` (do not
 * modify it afterwards). For hot paths that built the array themselves.
 */
export function tensorFromOwned(values: FloatArray, shape: Shape): Tensor {
  if (values.length !== sizeOf(shape))
    throw new ShapeError(`tensorFromOwned: ${values.length} values cannot fill shape ${formatShape(shape)}`);
  return engine.makeTensor(values, shape, values instanceof Float64Array ? 'float64' : 'float32', true);
}

export function fill(shape: Shape, value: number, dtype: DType = 'float32'): Tensor {
  assertValidShape(shape, 'fill');
  return engine.run('Fill', {}, { shape, dtype, value });
}

export function zeros(shape: Shape, dtype: DType = 'float32'): Tensor {
  return fill(shape, 0, dtype);
}

export function ones(shape: Shape, dtype: DType = 'float32'): Tensor {
  return fill(shape, 1, dtype);
}

/** A rank-0 tensor. */
export function scalar(value: number, dtype: DType = 'float32'): Tensor {
  return fill([], value, dtype);
}

function inferShape(values: NestedNumbers): number[] {
  const shape: number[] = [];
  let level: NestedNumbers = values;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0] as NestedNumbers;
  }
  return shape;
}

function flatten(values: NestedNumbers, out: FloatArray, offset: number): number {
  if (typeof values === 'number') {
    out[offset] = values;
    return offset + 1;
  }
  if (!Array.isArray(values)) throw new ValueError(`tensor: expected numbers or nested arrays of numbers, got ${typeof values}`);
  for (const item of values) offset = flatten(item as NestedNumbers, out, offset);
  return offset;
}
