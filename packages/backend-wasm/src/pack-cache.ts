import type { TensorInfo } from '@lstm/core';
import type { Heap, WasmHandle } from './memory.js';
import type { KernelExports } from './module.js';

/** How a weight W [R, C] is used: op(B) of x · Wᵀ (forward) or of d · W (backward). */
export type PackForm = 'nt' | 'nn';

/**
 * Weights packed into the SGEMM's panel layout, kept for as long as the weight's handle lives.
 * Handles are immutable (kernels never write their inputs), so a packed copy stays valid until
 * core disposes the handle, when `drop` returns it to the heap. Streaming and inference pack
 * each weight once; a training step packs each weight at most once per form, whatever the
 * number of layers and directions that read it.
 */
export class PackCache {
  private readonly entries = new Map<WasmHandle, Partial<Record<PackForm, number>>>();

  constructor(
    private readonly heap: Heap,
    private readonly wasm: KernelExports,
  ) {}

  get(weight: TensorInfo, form: PackForm): number {
    const handle = weight.handle as WasmHandle;
    const entry = this.entries.get(handle) ?? {};
    const hit = entry[form];
    if (hit !== undefined) return hit;
    const [R, C] = weight.shape as [number, number];
    const [N, K, bjs, bks] = form === 'nt' ? [R, C, C, 1] : [C, R, 1, C];
    const ptr = this.heap.alloc(this.wasm.packedSize(N, K));
    this.wasm.packB(handle.ptr, bjs, bks, N, K, ptr);
    entry[form] = ptr;
    this.entries.set(handle, entry);
    return ptr;
  }

  drop(handle: WasmHandle): void {
    const entry = this.entries.get(handle);
    if (!entry) return;
    this.entries.delete(handle);
    if (entry.nt !== undefined) this.heap.release(entry.nt);
    if (entry.nn !== undefined) this.heap.release(entry.nn);
  }
}
