import type { DType } from './dtype.js';
import type { Shape } from './shape.js';

/**
 * What a kernel receives and returns for each tensor: the backend's opaque handle with its
 * shape and dtype. Handles returned by a kernel are new and owned by the caller (core), which
 * wraps them in Tensors and disposes them. Kernels never mutate input handles.
 */
export interface TensorInfo {
  readonly handle: unknown;
  readonly shape: Shape;
  readonly dtype: DType;
}
