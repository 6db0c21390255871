import type { FloatArray } from '@lstm/core';
import { gemmSerial, leftoverRows, type ParallelGemm, type ProductNT } from '../kernels/gemm.js';

/**
 * Splits large matrix products across worker threads (Node's worker_threads). Operands reach
 * the workers through one shared arena:
 *   - B (the weights side) is copied in once and cached by array identity — safe because
 *     handles are immutable by the backend contract; the cache resets when the arena fills;
 *   - the rows of A are copied in per product (small: h or a block of dG);
 *   - worker t computes a slice of C's columns into the arena (accumulating onto a copy of C's
 *     slice, so every element is rounded once, as serially); the main thread computes its own
 *     slice straight into C, then copies the workers' slices in. Each element is the same
 *     k-ordered sum on every thread: the result is bit-identical to one thread's.
 * Workers spin for a short while after each job before sleeping in Atomics.wait, because a
 * 40 µs matrix–vector product cannot afford a futex wake-up per step.
 */

type WorkerLike = { terminate(): Promise<number>; unref(): void };
type WorkerConstructor = new (source: string, options: { eval: true; workerData: unknown }) => WorkerLike;

const CONTROL_INTS = 16;
// control layout (per worker): 0 job sequence, 1 done sequence, 2 M, 3 columns, 4 K, 5 aOff,
// 6 bOff, 7 cOff, 8 float64?, 9 accumulate?, 15 shutdown

export interface ThreadPoolOptions {
  threads: number;
  /** Products smaller than this many multiply-adds stay on the calling thread. */
  minWork?: number;
  /** Size of the shared arena (default 64 MiB); products that do not fit run serially. */
  arenaBytes?: number;
}

export class ThreadPool implements ParallelGemm {
  readonly threads: number;
  readonly minWork: number;
  private readonly workers: WorkerLike[] = [];
  private readonly controls: Int32Array[] = [];
  private readonly arenaBytes: number;
  private readonly arena: SharedArrayBuffer;
  private readonly f32: Float32Array;
  private readonly f64: Float64Array;
  private cache = new WeakMap<FloatArray, number>(); // array → byte offset of its copy
  private cacheTop = 0; // bytes used by cached B operands, from the start of the arena
  private sequence = 0;

  private constructor(Worker: WorkerConstructor, options: ThreadPoolOptions) {
    this.threads = options.threads;
    this.minWork = options.minWork ?? 32_768;
    this.arenaBytes = align(options.arenaBytes ?? 64 * 1024 * 1024, 8);
    this.arena = new SharedArrayBuffer(this.arenaBytes);
    this.f32 = new Float32Array(this.arena);
    this.f64 = new Float64Array(this.arena);
    for (let w = 0; w < this.threads - 1; w++) {
      const control = new Int32Array(new SharedArrayBuffer(CONTROL_INTS * 4));
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { control: control.buffer, arena: this.arena } });
      worker.unref(); // an idle pool never keeps the process alive
      this.workers.push(worker);
      this.controls.push(control);
    }
  }

  static async create(options: ThreadPoolOptions): Promise<ThreadPool> {
    const { Worker } = (await import('node:worker_threads')) as unknown as { Worker: WorkerConstructor };
    return new ThreadPool(Worker, options);
  }

  run(product: ProductNT): boolean {
    const { rows: M, cols: N, depth: K, accumulate = false } = product;
    if (M * N * K < this.minWork || N < 16) return false;
    // BLAS names from here on: C[M, N] (+)= A[M, K] · B[N, K]ᵀ, the form the workers run.
    const { data: A, offset: aOff = 0, stride: lda } = product.left;
    const { data: B, offset: bOff = 0, stride: ldb } = product.right;
    const { data: C, offset: cOff = 0, stride: ldc } = product.out;
    const wide = A instanceof Float64Array;
    const bytes = wide ? 8 : 4;
    const view = wide ? this.f64 : this.f32;
    const bSize = N * K,
      aSize = M * K;
    // Column slices, multiples of 8, the first one for this thread.
    const share = Math.ceil(N / this.threads / 8) * 8;
    const slices: [number, number][] = [];
    for (let n0 = share; n0 < N; n0 += share) slices.push([n0, Math.min(N, n0 + share)]);
    const outSize = M * (N - share);
    const scratchBytes = align((aSize + outSize) * bytes, 8);
    if (scratchBytes + bSize * bytes > this.arenaBytes) return false;
    // The cached operands grow from the start of the arena, this product's scratch sits at its
    // end; the two must not meet, or the scratch would overwrite cached weights.
    if (this.cacheTop + scratchBytes > this.arenaBytes) this.resetCache();
    // B: cached copy (contiguous rows of K), or a fresh one when B is a strided part of an array.
    let bByte = B.length === bSize && bOff === 0 && ldb === K ? this.cache.get(B) : undefined;
    if (bByte === undefined) {
      if (align(this.cacheTop, 8) + bSize * bytes + scratchBytes > this.arenaBytes) this.resetCache();
      bByte = align(this.cacheTop, 8);
      const start = bByte / bytes;
      for (let n = 0; n < N; n++) view.set(B.subarray(bOff + n * ldb, bOff + n * ldb + K), start + n * K);
      this.cacheTop = bByte + bSize * bytes;
      if (B.length === bSize && bOff === 0 && ldb === K) this.cache.set(B, bByte);
    }
    // Scratch for A's rows and the workers' outputs, from the end of the arena.
    const aStart = (this.arenaBytes - scratchBytes) / bytes;
    const outStart = aStart + aSize;
    for (let m = 0; m < M; m++) view.set(A.subarray(aOff + m * lda, aOff + m * lda + K), aStart + m * K);
    const bStart = bByte / bytes;
    const sequence = ++this.sequence;
    let outOffset = outStart;
    slices.forEach(([n0, n1], w) => {
      const control = this.controls[w % this.controls.length]!;
      control[2] = M;
      control[3] = n1 - n0;
      control[4] = K;
      control[5] = aStart;
      control[6] = bStart + n0 * K;
      control[7] = outOffset;
      control[8] = wide ? 1 : 0;
      control[9] = accumulate ? 1 : 0;
      // Accumulating, the worker adds its unrounded dot products to C's own values (copied in),
      // as the serial kernel does: one rounding per element, so any thread count gives the same bits.
      if (accumulate) for (let m = 0; m < M; m++) view.set(C.subarray(cOff + m * ldc + n0, cOff + m * ldc + n1), outOffset + m * (n1 - n0));
      Atomics.store(control, 0, sequence);
      Atomics.notify(control, 0);
      outOffset += M * (n1 - n0);
    });
    gemmSerial(M, Math.min(share, N), K, A, aOff, lda, B, bOff, ldb, C, cOff, ldc, accumulate);
    for (let w = 0; w < slices.length; w++) {
      const control = this.controls[w]!;
      while (Atomics.load(control, 1) !== sequence) {
        // the worker is seconds away only if the machine is oversubscribed; keep spinning
      }
    }
    outOffset = outStart;
    for (const [n0, n1] of slices) {
      const width = n1 - n0;
      for (let m = 0; m < M; m++) {
        const target = cOff + m * ldc + n0;
        const source = outOffset + m * width;
        for (let j = 0; j < width; j++) C[target + j] = view[source + j]!;
      }
      outOffset += M * width;
    }
    return true;
  }

  private resetCache(): void {
    this.cache = new WeakMap();
    this.cacheTop = 0;
  }

  async destroy(): Promise<void> {
    for (const control of this.controls) {
      Atomics.store(control, 15, 1);
      Atomics.add(control, 0, 1);
      Atomics.notify(control, 0);
    }
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}

function align(value: number, to: number): number {
  return Math.ceil(value / to) * to;
}

// The worker runs the very same kernel functions, shipped as their compiled source.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
${leftoverRows.toString()}
${gemmSerial.toString()}
const control = new Int32Array(workerData.control);
const f32 = new Float32Array(workerData.arena);
const f64 = new Float64Array(workerData.arena);
let seen = 0;
for (;;) {
  let spins = 0, since = performance.now();
  while (Atomics.load(control, 0) === seen) {
    if (++spins % 1024 === 0 && performance.now() - since > 2) {
      Atomics.wait(control, 0, seen);
      since = performance.now();
    }
  }
  seen = Atomics.load(control, 0);
  if (control[15] === 1) break;
  const view = control[8] === 1 ? f64 : f32;
  const M = control[2], N = control[3], K = control[4];
  gemmSerial(M, N, K, view, control[5], K, view, control[6], K, view, control[7], N, control[9] === 1);
  Atomics.store(control, 1, seen);
}
`;
