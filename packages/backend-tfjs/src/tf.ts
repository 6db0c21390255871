import * as tf from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@lstm/core';

export { tf };

/** A core TensorInfo as a tfjs tensor of its shape (core's reshapes share one handle). */
export function t(info: TensorInfo): tf.Tensor {
  const handle = info.handle as tf.Tensor;
  return sameShape(handle.shape, info.shape) ? handle : tf.reshape(handle, info.shape as number[]);
}

/** A tfjs tensor handed back to core: it owns it now (it survives the kernel's tf.tidy). */
export function out(tensor: tf.Tensor): TensorInfo {
  return { handle: tensor, shape: tensor.shape, dtype: 'float32' };
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
