import type { BinaryAttrs, BinaryInputs, KernelTable, ReduceAttrs, ReduceInputs, Shape, TensorInfo, UnaryInputs } from '@lstm/core';
import { shapesEqual, sizeOf } from '@lstm/core';
import { type Context, ptrOf, withFrame } from './context.js';

const BINARY = { Add: 0, Sub: 1, Mul: 2, Div: 3, Maximum: 4 } as const;
const UNARY = { Neg: 0, Abs: 1, Sqrt: 2, Relu: 3 } as const;

/**
 * How a binary op's operands line up with its output, as [rows, cols, a row stride, a column
 * stride, b row stride, b column stride]: equal shapes, a scalar, or a trailing row vector (a bias
 * add). Other broadcasts return null and run in TypeScript.
 */
function layout(a: Shape, b: Shape, out: Shape): number[] | null {
  const n = sizeOf(out);
  const full = (s: Shape) => shapesEqual(s, out);
  if (full(a) && full(b)) return [1, n, 0, 1, 0, 1];
  if (sizeOf(a) === 1 && full(b)) return [1, n, 0, 0, 0, 1];
  if (sizeOf(b) === 1 && full(a)) return [1, n, 0, 1, 0, 0];
  const N = out.at(-1) ?? 0;
  if (N === 0) return null;
  if (full(a) && sizeOf(b) === N && b.at(-1) === N) return [n / N, N, N, 1, 0, 1];
  if (full(b) && sizeOf(a) === N && a.at(-1) === N) return [n / N, N, 0, 1, N, 1];
  return null;
}

/**
 * The exact element-wise primitives (+ − × ÷ max, −x, |x|, √x, relu) and sums as wasm SIMD loops
 * (assembly/elementwise.ts) writing straight into a new block: no JavaScript array, no copy. The
 * cases they do not cover fall back to `fallback` (backend-cpu's TypeScript over the same memory).
 */
export function elementwiseKernels(ctx: Context, fallback: Partial<KernelTable>): Partial<KernelTable> {
  const table: Record<string, unknown> = {};
  for (const [name, op] of Object.entries(BINARY)) {
    const slow = fallback[name as keyof typeof BINARY]!;
    table[name] = (inputs: BinaryInputs, attrs: BinaryAttrs): TensorInfo => {
      const plan = layout(inputs.a.shape, inputs.b.shape, attrs.outShape);
      if (!plan) return slow(inputs, attrs);
      return withFrame(ctx, inputs.a.dtype, (frame) => {
        const out = frame.output(attrs.outShape);
        const [rows, cols, ars, acs, brs, bcs] = plan as [number, number, number, number, number, number];
        ctx.wasm.binary(op, rows, cols, ptrOf(inputs.a), ars, acs, ptrOf(inputs.b), brs, bcs, ptrOf(out));
        return out;
      });
    };
  }
  for (const [name, op] of Object.entries(UNARY)) {
    table[name] = ({ x }: UnaryInputs): TensorInfo =>
      withFrame(ctx, x.dtype, (frame) => {
        const out = frame.output(x.shape);
        ctx.wasm.unary(op, sizeOf(x.shape), ptrOf(x), ptrOf(out));
        return out;
      });
  }
  table.Sum = ({ x }: ReduceInputs, { axis, keepDims }: ReduceAttrs): TensorInfo =>
    withFrame(ctx, x.dtype, (frame) => {
      const outer = sizeOf(x.shape.slice(0, axis));
      const inner = sizeOf(x.shape.slice(axis + 1));
      const out = frame.output(keepDims ? x.shape.map((d, i) => (i === axis ? 1 : d)) : x.shape.filter((_, i) => i !== axis));
      ctx.wasm.sumAxis(outer, x.shape[axis]!, inner, ptrOf(x), ptrOf(out));
      return out;
    });
  return table as Partial<KernelTable>;
}
