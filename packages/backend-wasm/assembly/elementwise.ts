// Element-wise primitives and sums as SIMD loops over the backend's memory, for the operations
// whose float32 result is exact (correctly rounded): +, −, ×, ÷, max, negation, |x|, √x, relu.
// Results equal backend-cpu's bit for bit (it computes in float64 and rounds once, which for a
// single +, −, ×, ÷ or √ of float32 values gives the same float32). Sums keep four partial sums
// per row, so their last bits may differ from a sequential sum. exp, log, tanh and σ stay in
// TypeScript, where Math gives them correctly rounded.

import { ld, st } from './simd';

const ADD = 0;
const SUB = 1;
const MUL = 2;
const DIV = 3;
const MAX = 4;

// @ts-ignore: decorator
@inline
function operand(ptr: usize, step: i32, full: bool): v128 {
  return step ? ld(ptr, full) : f32x4.splat(load<f32>(ptr));
}

// @ts-ignore: decorator
@inline
function apply(op: i32, x: v128, y: v128): v128 {
  if (op == ADD) return f32x4.add(x, y);
  if (op == SUB) return f32x4.sub(x, y);
  if (op == MUL) return f32x4.mul(x, y);
  if (op == DIV) return f32x4.div(x, y);
  return f32x4.max(x, y); // NaN-propagating, as Math.max
}

/**
 * out[r, c] = a[r·ars + c·acs] op b[r·brs + c·bcs] for a rows × cols output: equal shapes, a
 * scalar (strides 0) or a row vector broadcast over rows (row stride 0). Column strides are 0 or 1.
 */
export function binary(op: i32, rows: i32, cols: i32, a: usize, ars: i32, acs: i32, b: usize, brs: i32, bcs: i32, out: usize): void {
  for (let r = 0; r < rows; r++) {
    const ar = a + (<usize>(r * ars) << 2);
    const br = b + (<usize>(r * brs) << 2);
    const o = out + (<usize>(r * cols) << 2);
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const at = <usize>c << 2;
      st(o + at, apply(op, operand(ar + at * acs, acs, true), operand(br + at * bcs, bcs, true)), true);
    }
    for (; c < cols; c++) {
      const at = <usize>c << 2;
      st(o + at, apply(op, operand(ar + at * acs, acs, false), operand(br + at * bcs, bcs, false)), false);
    }
  }
}

const NEG = 0;
const ABS = 1;
const SQRT = 2;

// @ts-ignore: decorator
@inline
function applyUnary(op: i32, x: v128): v128 {
  if (op == NEG) return f32x4.neg(x);
  if (op == ABS) return f32x4.abs(x);
  if (op == SQRT) return f32x4.sqrt(x);
  return f32x4.max(x, f32x4.splat(0)); // relu; keeps NaN
}

export function unary(op: i32, n: i32, x: usize, out: usize): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) st(out + (<usize>i << 2), applyUnary(op, ld(x + (<usize>i << 2), true)), true);
  for (; i < n; i++) st(out + (<usize>i << 2), applyUnary(op, ld(x + (<usize>i << 2), false)), false);
}

/** Sum over the middle axis of x viewed as [outer, length, inner] into out [outer, inner]. */
export function sumAxis(outer: i32, length: i32, inner: i32, x: usize, out: usize): void {
  for (let o = 0; o < outer; o++) {
    const src = x + (<usize>(o * length * inner) << 2);
    const dst = out + (<usize>(o * inner) << 2);
    if (inner == 1) {
      let acc = f32x4.splat(0);
      let k = 0;
      for (; k + 4 <= length; k += 4) acc = f32x4.add(acc, v128.load(src + (<usize>k << 2)));
      let total = (f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) + (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
      for (; k < length; k++) total += load<f32>(src + (<usize>k << 2));
      store<f32>(dst, total);
      continue;
    }
    memory.fill(dst, 0, <usize>inner << 2);
    for (let k = 0; k < length; k++) {
      const row = src + (<usize>(k * inner) << 2);
      let i = 0;
      for (; i + 4 <= inner; i += 4) v128.store(dst + (<usize>i << 2), f32x4.add(v128.load(dst + (<usize>i << 2)), v128.load(row + (<usize>i << 2))));
      for (; i < inner; i++) store<f32>(dst + (<usize>i << 2), load<f32>(dst + (<usize>i << 2)) + load<f32>(row + (<usize>i << 2)));
    }
  }
}
