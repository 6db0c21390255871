import type { DType, Shape, TensorInfo } from '@lstm/core';
import type { Heap, WasmHandle } from '../memory.js';
import type { KernelExports } from '../module.js';
import type { PackCache } from '../pack-cache.js';
import type { Team } from '../team.js';

/** What every kernel needs: the backend's memory and the kernel module instantiated on it. */
export interface Context {
  readonly heap: Heap;
  readonly wasm: KernelExports;
  /** Weights in the SGEMM's packed layout, cached per handle. */
  readonly packs: PackCache;
  /** The threads kernels split their work across (one unless `wasm({ threads })`). */
  readonly team: Team;
}

export const ptrOf = (info: TensorInfo): number => (info.handle as WasmHandle).ptr;
/** The pointer of an optional input, 0 when absent (the kernels read 0 as "none"). */
export const optionalPtr = (info: TensorInfo | undefined): number => (info ? ptrOf(info) : 0);

const sizeOf = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);

/**
 * The allocations of one kernel call: outputs become handles owned by core, scratch is returned
 * to the heap when the call ends. Every block is taken before the wasm call, so no view or
 * pointer is invalidated by `memory.grow` while the kernel runs.
 */
export class Frame {
  private readonly scratchBlocks: number[] = [];
  constructor(
    private readonly heap: Heap,
    private readonly dtype: DType,
  ) {}

  output(shape: Shape): TensorInfo {
    const size = sizeOf(shape);
    const handle: WasmHandle = { ptr: this.heap.alloc(size), size };
    return { handle, shape, dtype: this.dtype };
  }

  scratch(floats: number): number {
    const ptr = this.heap.alloc(floats);
    this.scratchBlocks.push(ptr);
    return ptr;
  }

  /** Sequence lengths in memory (0 when every row has T steps). */
  lengths(lengths: Int32Array | null): number {
    if (!lengths) return 0;
    const ptr = this.heap.storeInt32(lengths);
    this.scratchBlocks.push(ptr);
    return ptr;
  }

  end(): void {
    for (const ptr of this.scratchBlocks) this.heap.release(ptr);
    this.scratchBlocks.length = 0;
  }
}

/** Runs `body` with a frame whose scratch is released afterwards, even when it throws. */
export function withFrame<R>(ctx: Context, dtype: DType, body: (frame: Frame) => R): R {
  const frame = new Frame(ctx.heap, dtype);
  try {
    return body(frame);
  } finally {
    frame.end();
  }
}
