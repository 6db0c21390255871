import { BackendError, type CastAttrs, type CastInputs, type FillAttrs, type TensorInfo } from '@lstm/core';
import { out, t, tf } from '../tf.js';

export function Fill(_inputs: Record<string, never>, { shape, value, dtype }: FillAttrs): TensorInfo {
  assertFloat32(dtype, 'fill');
  return out(tf.fill([...shape], value, 'float32'));
}

export function Cast({ x }: CastInputs, { dtype }: CastAttrs): TensorInfo {
  assertFloat32(dtype, 'cast');
  return out(tf.tidy(() => tf.clone(t(x))));
}

function assertFloat32(dtype: string, what: string): void {
  if (dtype !== 'float32') {
    throw new BackendError(
      `${what}: TensorFlow.js backends store float32 only, not ${dtype}; use float32, or @lstm/backend-cpu for float64`,
    );
  }
}
