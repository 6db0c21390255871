import type { onnx as T } from 'onnx-proto';

/** A tensor of the ONNX interpreter (onnx-eval.ts): float64 values, row-major. */
export interface Value {
  dims: number[];
  data: Float64Array;
  /** Integer tensors (shapes, indices) keep integer semantics through Cast, Div, Gather. */
  integer: boolean;
}

/** Largest tensor a graph may make while being checked (values); a file claiming more is refused. */
export const MAX_VALUES = 1 << 22;

export class GraphError extends Error {}

export const sizeOf = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

export function value(dims: number[], data: Float64Array, integer = false): Value {
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new GraphError(`a tensor of shape [${dims.join(', ')}]`);
  if (sizeOf(dims) > MAX_VALUES) throw new GraphError(`a tensor of shape [${dims.join(', ')}], more values than any recurrent model holds`);
  if (data.length !== sizeOf(dims)) throw new GraphError(`${data.length} values for shape [${dims.join(', ')}]`);
  return { dims, data, integer };
}

export type Attributes = Map<string, T.IAttributeProto>;

/** The attributes of a node that has none. */
export const NO_ATTRIBUTES: Attributes = new Map();
