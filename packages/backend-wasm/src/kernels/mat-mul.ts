import type { MatMulAttrs, MatMulInputs, TensorInfo } from '@lstm/core';
import { type Context, ptrOf, withFrame } from './context.js';

/**
 * C = op(A) · op(B) in one call of the wasm SGEMM. The transposes cost nothing: they only change
 * the strides with which the packing and the micro-kernel walk the operands.
 */
export function matMulKernel(ctx: Context) {
  return ({ a, b }: MatMulInputs, { transposeA, transposeB }: MatMulAttrs): TensorInfo =>
    withFrame(ctx, a.dtype, (frame) => {
      const [aRows, aCols] = a.shape as [number, number];
      const [bRows, bCols] = b.shape as [number, number];
      const M = transposeA ? aCols : aRows;
      const K = transposeA ? aRows : aCols;
      const N = transposeB ? bRows : bCols;
      const out = frame.output([M, N]);
      const pack = frame.scratch(ctx.wasm.packedSize(N, K));
      const [ars, acs] = transposeA ? [1, aCols] : [aCols, 1];
      const [bjs, bks] = transposeB ? [bCols, 1] : [1, bCols];
      ctx.wasm.gemm(M, N, K, ptrOf(a), ars, acs, ptrOf(b), bjs, bks, ptrOf(out), N, 0, pack);
      return out;
    });
}
