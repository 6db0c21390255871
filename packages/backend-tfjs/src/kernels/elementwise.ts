import type { BinaryAttrs, BinaryInputs, TensorInfo, UnaryInputs } from '@lstm/core';
import { out, t, tf } from '../tf.js';

function unary(op: (x: tf.Tensor) => tf.Tensor) {
  return ({ x }: UnaryInputs): TensorInfo => out(tf.tidy(() => op(t(x))));
}

function binary(op: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor) {
  return ({ a, b }: BinaryInputs, _attrs: BinaryAttrs): TensorInfo => out(tf.tidy(() => op(t(a), t(b))));
}

export const Neg = unary(tf.neg);
export const Exp = unary(tf.exp);
export const Log = unary(tf.log);
export const Sqrt = unary(tf.sqrt);
export const Abs = unary(tf.abs);
export const Tanh = unary(tf.tanh);
export const Sigmoid = unary(tf.sigmoid);
export const Relu = unary(tf.relu);
export const Add = binary(tf.add);
export const Sub = binary(tf.sub);
export const Mul = binary(tf.mul);
export const Div = binary(tf.div);
export const Maximum = binary(tf.maximum);
