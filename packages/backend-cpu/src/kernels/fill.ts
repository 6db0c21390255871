import type { CastAttrs, CastInputs, FillAttrs, FloatArray, TensorInfo } from '@lstm/core';
import { arrayFor, sizeOf } from '@lstm/core';

export function Fill(_inputs: Record<string, never>, { shape, dtype, value }: FillAttrs): TensorInfo {
  return { handle: arrayFor(dtype, sizeOf(shape)).fill(value), shape, dtype };
}

export function Cast({ x }: CastInputs, { dtype }: CastAttrs): TensorInfo {
  const out = arrayFor(
    dtype,
    x.shape.reduce((p, d) => p * d, 1),
  );
  out.set(x.handle as FloatArray);
  return { handle: out, shape: x.shape, dtype };
}
