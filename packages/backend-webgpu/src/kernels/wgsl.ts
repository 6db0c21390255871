import type { TensorInfo } from '@lstm/core';
import { sizeOf } from '@lstm/core';
import type { GpuContext, GpuHandle } from '../context.js';

/** Helpers every kernel shares: the WGSL header, the 1-D grid, uniforms, handles in and out. */

export const WORKGROUP = 256;
const MAX_GROUPS = 65535;

/** Bit-exact NaN test (WGSL lets a compiler assume `x != x` is false). */
export const IS_NAN = 'fn is_nan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }';

/** The entry point of a 1-D kernel over `count` threads: `i` is the thread's index, `count` bounds it. */
export const MAIN_1D = `@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let i = (wg.y * groups.x + wg.x) * ${WORKGROUP}u + lid.x;`;

/**
 * Bindings in the order `GpuContext.dispatch` binds them: the uniform `u` (fields as WGSL
 * declarations, all u32 or f32), then read-only inputs, then outputs.
 */
export function header(params: readonly string[], inputs: readonly string[], outputs: readonly string[], element = 'f32'): string {
  const lines: string[] = [];
  let binding = 0;
  if (params.length > 0) {
    lines.push(`struct Params { ${params.join(', ')} }`, `@group(0) @binding(${binding++}) var<uniform> u: Params;`);
  }
  for (const name of inputs) lines.push(`@group(0) @binding(${binding++}) var<storage, read> ${typed(name, element)};`);
  for (const name of outputs) lines.push(`@group(0) @binding(${binding++}) var<storage, read_write> ${typed(name, element)};`);
  return lines.join('\n');
}

/** `name` or `name: type` → a storage declaration (`array<f32>` unless the name says otherwise). */
function typed(name: string, element: string): string {
  return name.includes(':') ? name : `${name}: array<${element}>`;
}

/** Workgroups for `count` threads of `WORKGROUP`, spread over y past the per-dimension limit. */
export function grid1d(count: number): [number, number] {
  const groups = Math.max(1, Math.ceil(count / WORKGROUP));
  if (groups <= MAX_GROUPS) return [groups, 1];
  const y = Math.ceil(groups / MAX_GROUPS);
  return [Math.ceil(groups / y), y];
}

const floatBits = new Float32Array(1);
const floatWords = new Uint32Array(floatBits.buffer);
/** The bits of a float32, for a uniform field declared f32. */
export function f32(value: number): number {
  floatBits[0] = value;
  return floatWords[0]!;
}

/** Uniform values, padded to whole 16-byte rows. */
export function params(...values: number[]): Uint32Array {
  const out = new Uint32Array(Math.max(4, Math.ceil(values.length / 4) * 4));
  out.set(values);
  return out;
}

export const bufferOf = (info: TensorInfo): GPUBuffer => (info.handle as GpuHandle).buffer;

/** A new tensor of `shape` on a pooled buffer. */
export function output(ctx: GpuContext, shape: readonly number[]): TensorInfo & { handle: GpuHandle } {
  const size = sizeOf(shape);
  return { handle: { buffer: ctx.allocate(size), size }, shape, dtype: 'float32' };
}

/** A host index array as a u32 storage buffer, freed once the work using it is submitted. */
export function indexBuffer(ctx: GpuContext, indices: ArrayLike<number>): GPUBuffer {
  const buffer = ctx.allocate(indices.length);
  ctx.write(buffer, Uint32Array.from(indices));
  return buffer;
}
