import type { ConcatAttrs, ConcatInputs, SliceAttrs, SliceInputs, TensorInfo, TransposeAttrs, TransposeInputs } from '@lstm/core';
import { out, t, tf } from '../tf.js';

export function Transpose({ x }: TransposeInputs, { perm }: TransposeAttrs): TensorInfo {
  return out(tf.tidy(() => tf.transpose(t(x), [...perm])));
}

export function Slice({ x }: SliceInputs, { begin, size }: SliceAttrs): TensorInfo {
  return out(tf.tidy(() => tf.slice(t(x), [...begin], [...size])));
}

export function Concat({ xs }: ConcatInputs, { axis }: ConcatAttrs): TensorInfo {
  return out(
    tf.tidy(() =>
      tf.concat(
        xs.map((x) => t(x)),
        axis,
      ),
    ),
  );
}
