import type { MatMulAttrs, MatMulInputs, TensorInfo } from '@lstm/core';
import { type Context, ptrOf, withFrame } from './context.js';

/**
 * C = op(A) · op(B) with the wasm SGEMM. The transposes cost nothing: they only change the strides
 * with which the packing and the micro-kernel walk the operands. op(B) is packed once; threads
 * split C's rows.
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
      if (M === 0 || N === 0) return out;
      const pack = frame.scratch(ctx.wasm.packedSize(N, K));
      const [ars, acs] = transposeA ? [1, aCols] : [aCols, 1];
      const [bjs, bks] = transposeB ? [bCols, 1] : [1, bCols];
      ctx.wasm.packB(ptrOf(b), bjs, bks, N, K, pack);
      const [A, C] = [ptrOf(a), ptrOf(out)];
      ctx.team.split('gemmPacked', M, 4, M * N * K, (r0, r1) => [r1 - r0, N, K, A + r0 * ars * 4, ars, acs, pack, C + r0 * N * 4, N, 0]);
      return out;
    });
}
