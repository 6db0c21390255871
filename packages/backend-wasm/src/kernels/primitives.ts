import { primitiveKernels } from '@lstm/backend-cpu';
import type { KernelTable, TensorInfo } from '@lstm/core';
import type { WasmHandle } from '../memory.js';
import type { Context } from './context.js';

/**
 * Every primitive as backend-cpu's TypeScript over Float32Array views of the linear memory: no
 * copy in, one copy of the result into a new block. The backend overrides the exact element-wise
 * ops, sums and MatMul with wasm loops (elementwise.ts, mat-mul.ts); what is left (exp, log, tanh,
 * σ, other broadcasts, layout, gather, max) runs here. None of it runs per recurrent step: the
 * recurrent kernels are whole-sequence calls into wasm.
 */
export function primitivesOver(ctx: Context): Partial<KernelTable> {
  const { heap } = ctx;
  const view = (info: TensorInfo): TensorInfo => {
    const { ptr, size } = info.handle as WasmHandle;
    return { handle: heap.f32(ptr, size), shape: info.shape, dtype: info.dtype };
  };
  const views = (inputs: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(inputs)) out[key] = Array.isArray(value) ? value.map(view) : view(value as TensorInfo);
    return out;
  };
  /** The kernel's result (a typed array, possibly a view of the heap) copied into a new block. */
  const adopt = (result: TensorInfo): TensorInfo => {
    const values = result.handle as Float32Array;
    const size = values.length;
    let ptr: number;
    if (values.buffer === heap.memory.buffer) {
      // A view of the heap (a kernel that returned its input): allocation may grow the memory and
      // detach it, so copy by offset. (A shared memory never detaches; the plain copy below is safe.)
      const from = values.byteOffset;
      ptr = heap.alloc(size);
      heap.f32(0, heap.reservedBytes / 4).copyWithin(ptr >> 2, from >> 2, (from >> 2) + size);
    } else {
      ptr = heap.store(values);
    }
    const handle: WasmHandle = { ptr, size };
    return { handle, shape: result.shape, dtype: result.dtype };
  };
  const table: Record<string, unknown> = {};
  for (const [id, kernel] of Object.entries(primitiveKernels)) {
    const run = kernel as (inputs: Record<string, unknown>, attrs: unknown) => TensorInfo;
    table[id] = (inputs: Record<string, unknown>, attrs: unknown) => adopt(run(views(inputs), attrs));
  }
  return table as Partial<KernelTable>;
}
