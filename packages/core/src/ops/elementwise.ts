import { engine } from '../engine.js';
import { ValueError } from '../errors.js';
import type { BinaryKernelName, UnaryKernelName } from '../kernel-names.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { fill } from './create.js';

function unary(name: UnaryKernelName) {
  return (x: Tensor): Tensor => engine.run(name, { x });
}

function binary(name: BinaryKernelName) {
  return (a: Tensor, b: Tensor | number): Tensor => {
    const right = typeof b === 'number' ? fill([], b, a.dtype) : b;
    if (right.dtype !== a.dtype) throw new ValueError(`${name}: dtypes differ (${a.dtype} and ${right.dtype}); cast one with cast()`);
    const outShape = broadcastShapes(a.shape, right.shape, name);
    const out = engine.run(name, { a, b: right }, { outShape });
    if (typeof b === 'number') right.dispose();
    return out;
  };
}

export const neg = unary('Neg');
export const exp = unary('Exp');
export const log = unary('Log');
export const sqrt = unary('Sqrt');
export const abs = unary('Abs');
export const tanh = unary('Tanh');
export const sigmoid = unary('Sigmoid');
export const relu = unary('Relu');

/** Element-wise with NumPy broadcasting; a number acts as a scalar. @example add(x, 1) */
export const add = binary('Add');
export const sub = binary('Sub');
export const mul = binary('Mul');
export const div = binary('Div');
export const maximum = binary('Maximum');

export function square(x: Tensor): Tensor {
  return mul(x, x);
}
