import type { MatMulAttrs, MatMulInputs, TensorInfo } from '@lstm/core';
import type { GpuContext } from '../context.js';
import { bufferOf, header, output, params } from './wgsl.js';

/** Output tile of a workgroup (TILE × TILE), its 16 × 16 threads each computing a 4 × 4 block; K in steps of DEPTH. */
const TILE = 64;
const DEPTH = 16;

/**
 * C = op(A) · op(B) (+ bias per column, optional): tiled through workgroup memory. Each K step
 * loads a TILE × DEPTH slab of A and a DEPTH × TILE slab of B (1024 values each: four per
 * thread, zero past the edges), then every thread accumulates its 4 × 4 block from registers.
 * The transposes are folded into the loads, so no operand is ever transposed in memory.
 */
export function matMulProgram(transposeA: boolean, transposeB: boolean, bias: boolean): string {
  const a = transposeA ? 'A[gk * u.M + gm]' : 'A[gm * u.K + gk]';
  const b = transposeB ? 'B[gn * u.K + gk]' : 'B[gk * u.N + gn]';
  return `${header(['M: u32', 'N: u32', 'K: u32'], bias ? ['A', 'B', 'bias'] : ['A', 'B'], ['C'])}
var<workgroup> As: array<f32, ${TILE * DEPTH}>;
var<workgroup> Bs: array<f32, ${TILE * DEPTH}>;
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let row0 = wg.y * ${TILE}u;
  let col0 = wg.x * ${TILE}u;
  let thread = lid.y * 16u + lid.x;
  var acc: array<f32, 16>;
  for (var k0 = 0u; k0 < u.K; k0 += ${DEPTH}u) {
    for (var e = 0u; e < 4u; e++) {
      let slot = thread + e * 256u;
      let kk = slot / ${TILE}u;
      let mm = slot - kk * ${TILE}u;
      let gk = k0 + kk;
      let gm = row0 + mm;
      let gn = col0 + mm;
      As[slot] = select(0.0, ${a}, gm < u.M && gk < u.K);
      Bs[slot] = select(0.0, ${b}, gn < u.N && gk < u.K);
    }
    workgroupBarrier();
    for (var k = 0u; k < ${DEPTH}u; k++) {
      let a4 = vec4<f32>(As[k * ${TILE}u + lid.y * 4u], As[k * ${TILE}u + lid.y * 4u + 1u], As[k * ${TILE}u + lid.y * 4u + 2u], As[k * ${TILE}u + lid.y * 4u + 3u]);
      let b4 = vec4<f32>(Bs[k * ${TILE}u + lid.x * 4u], Bs[k * ${TILE}u + lid.x * 4u + 1u], Bs[k * ${TILE}u + lid.x * 4u + 2u], Bs[k * ${TILE}u + lid.x * 4u + 3u]);
      for (var r = 0u; r < 4u; r++) {
        acc[r * 4u] += a4[r] * b4.x;
        acc[r * 4u + 1u] += a4[r] * b4.y;
        acc[r * 4u + 2u] += a4[r] * b4.z;
        acc[r * 4u + 3u] += a4[r] * b4.w;
      }
    }
    workgroupBarrier();
  }
  for (var r = 0u; r < 4u; r++) {
    let m = row0 + lid.y * 4u + r;
    if (m >= u.M) { break; }
    for (var c = 0u; c < 4u; c++) {
      let n = col0 + lid.x * 4u + c;
      if (n < u.N) { C[m * u.N + n] = acc[r * 4u + c]${bias ? ' + bias[n]' : ''}; }
    }
  }
}`;
}

/** Records C = op(A)·op(B) (+ bias) into `C` (M × N, row-major). */
export function recordMatMul(
  ctx: GpuContext,
  A: GPUBuffer,
  B: GPUBuffer,
  C: GPUBuffer,
  dims: { M: number; N: number; K: number },
  transposeA: boolean,
  transposeB: boolean,
  bias?: GPUBuffer,
): void {
  const { M, N, K } = dims;
  if (M === 0 || N === 0) return;
  ctx.dispatch({
    key: `matMul.${transposeA}.${transposeB}.${bias !== undefined}`,
    code: () => matMulProgram(transposeA, transposeB, bias !== undefined),
    params: params(M, N, K),
    inputs: bias ? [A, B, bias] : [A, B],
    outputs: [C],
    workgroups: [Math.ceil(N / TILE), Math.ceil(M / TILE)],
  });
}

export function matMulKernel(ctx: GpuContext) {
  return ({ a, b }: MatMulInputs, { transposeA, transposeB }: MatMulAttrs): TensorInfo => {
    const M = transposeA ? a.shape[1]! : a.shape[0]!;
    const K = transposeA ? a.shape[0]! : a.shape[1]!;
    const N = transposeB ? b.shape[0]! : b.shape[1]!;
    const out = output(ctx, [M, N]);
    recordMatMul(ctx, bufferOf(a), bufferOf(b), out.handle.buffer, { M, N, K }, transposeA, transposeB);
    return out;
  };
}
