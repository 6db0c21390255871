import { ValueError } from '@lstm/core';
import type { LinearMemory } from './module.js';

/** A tensor's storage: `size` float32 values from byte `ptr` of the backend's linear memory. */
export interface WasmHandle {
  readonly ptr: number;
  readonly size: number;
}

const PAGE = 65536;
const ALIGN = 64; // a cache line: every block starts on one, so v128 loads never straddle two
const MAX_BYTES = 4 * 1024 * 1024 * 1024 - PAGE; // wasm32: 65,536 pages of 64 KiB

/**
 * Bytes actually reserved for a request: multiples of 64 up to 256 bytes, then four classes per
 * power of two (at most 25% slack). A training loop asks for the same sizes every step, so freed
 * blocks of a class are found again and the memory stops growing after the first step.
 */
export function sizeClass(bytes: number): number {
  if (bytes <= 256) return Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
  const step = 2 ** (29 - Math.clz32(bytes)); // a quarter of the largest power of two ≤ bytes
  return Math.ceil(bytes / step) * step;
}

/**
 * The backend's one linear memory and its allocator: a bump pointer with a free list per size
 * class. Views are made on demand from the current buffer, so they stay valid after
 * `memory.grow` (which detaches the old ArrayBuffer) as long as no allocation happens while one
 * is held.
 */
export class Heap {
  readonly memory: LinearMemory;
  private top: number;
  private readonly free = new Map<number, number[]>();
  private readonly sizes = new Map<number, number>();
  /** The whole memory as floats; replaced after every grow (only this class grows the memory). */
  private floats: Float32Array;

  constructor(memory: LinearMemory, base: number) {
    this.memory = memory;
    this.top = Math.ceil(base / ALIGN) * ALIGN;
    this.floats = new Float32Array(memory.buffer);
  }

  /** A block for `floats` float32 values (contents undefined). */
  alloc(floats: number): number {
    const bytes = sizeClass(floats * 4);
    const reuse = this.free.get(bytes)?.pop();
    if (reuse !== undefined) {
      this.sizes.set(reuse, bytes);
      return reuse;
    }
    const ptr = this.top;
    const end = ptr + bytes;
    if (end > MAX_BYTES)
      throw new ValueError(`wasm: out of memory: ${floats} float32 values do not fit in the 4 GiB a wasm32 memory can hold`);
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      // Grow by at least half again, so a growing workload reallocates O(log n) times.
      const pages = Math.max(Math.ceil((end - have) / PAGE), Math.ceil(have / PAGE / 2));
      this.memory.grow(Math.min(pages, MAX_BYTES / PAGE - have / PAGE));
      this.floats = new Float32Array(this.memory.buffer);
    }
    this.top = end;
    this.sizes.set(ptr, bytes);
    return ptr;
  }

  /** Returns a block to its class's free list. */
  release(ptr: number): void {
    const bytes = this.sizes.get(ptr);
    if (bytes === undefined) throw new ValueError(`wasm: block ${ptr} freed twice or never allocated`);
    this.sizes.delete(ptr);
    const list = this.free.get(bytes);
    if (list) list.push(ptr);
    else this.free.set(bytes, [ptr]);
  }

  /** A float32 view of a block, valid until the next allocation. */
  f32(ptr: number, floats: number): Float32Array {
    return this.floats.subarray(ptr >> 2, (ptr >> 2) + floats);
  }

  /** Copies `values` into a new block. */
  store(values: ArrayLike<number>): number {
    const ptr = this.alloc(values.length);
    this.f32(ptr, values.length).set(values);
    return ptr;
  }

  /** Copies integers (sequence lengths) into a new block. */
  storeInt32(values: Int32Array): number {
    const ptr = this.alloc(values.length);
    new Int32Array(this.memory.buffer, ptr, values.length).set(values);
    return ptr;
  }

  /** Bytes of linear memory reserved so far (it never shrinks). */
  get reservedBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** Bytes in live blocks. */
  get liveBytes(): number {
    let total = 0;
    for (const bytes of this.sizes.values()) total += bytes;
    return total;
  }
}
