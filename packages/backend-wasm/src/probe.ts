import { Heap } from './memory.js';
import { createMemory, instantiate } from './module.js';

/** A GEMM shape: C[M, N] = op(A) · op(B), op(X) = Xᵀ where the flag is set. */
export interface GemmShape {
  M: number;
  N: number;
  K: number;
  transposeA?: boolean;
  transposeB?: boolean;
  /** op(B) packed beforehand, as the recurrent kernels keep their weights (time the product alone). */
  prepacked?: boolean;
}

export interface GemmProbe {
  /** GFLOP/s of the SIMD multiply-add micro-kernel (independent chains, no memory traffic): this engine's wasm peak (fastest call). */
  peak(seconds?: number): number;
  /** GFLOP/s of the backend's SGEMM on one shape (packing included unless `prepacked`), fastest of repeated calls. */
  gemm(shape: GemmShape, seconds?: number): number;
}

/**
 * Measures this engine's WebAssembly SIMD: the peak of independent multiply-adds and the SGEMM
 * the backend runs, on a memory of its own. For benchmarks and for judging a machine.
 */
export async function createGemmProbe(options: { fma?: boolean } = {}): Promise<GemmProbe> {
  const memory = createMemory(64, false);
  const wasm = await instantiate(options.fma ? 'fma' : 'simd', memory);
  const heap = new Heap(memory, wasm.heapBase());
  const timed = (fn: () => void, seconds: number): number => {
    // Warm up for as long as we sample: V8 runs new wasm code in its baseline tier (Liftoff) and
    // swaps in optimised code only once it is hot, which would otherwise land mid-measurement.
    const warm = performance.now();
    while ((performance.now() - warm) / 1000 < seconds) fn();
    const times: number[] = [];
    const start = performance.now();
    while (times.length < 5 || (performance.now() - start) / 1000 < seconds) {
      const t0 = performance.now();
      fn();
      times.push((performance.now() - t0) / 1000);
    }
    // The fastest call: on a shared machine a neighbour's burst only ever slows a call down, so
    // the minimum estimates what the hardware does; peak and products are measured alike.
    return Math.min(...times);
  };
  return {
    peak(seconds = 0.5) {
      const iterations = 500;
      return wasm.peakFlops(iterations) / timed(() => wasm.peakKernel(iterations), seconds) / 1e9;
    },
    gemm({ M, N, K, transposeA = false, transposeB = false, prepacked = false }, seconds = 0.5) {
      const fill = (size: number) => heap.store(Float32Array.from({ length: size }, (_, i) => ((i * 7919) % 17) / 17 - 0.5));
      const a = fill(M * K);
      const b = fill(N * K);
      const c = heap.alloc(M * N);
      const pack = heap.alloc(wasm.packedSize(N, K) + 16 * K);
      const [ars, acs] = transposeA ? [1, M] : [K, 1];
      const [bjs, bks] = transposeB ? [K, 1] : [1, N];
      if (prepacked) wasm.packB(b, bjs, bks, N, K, pack);
      const run = prepacked
        ? () => wasm.gemmPacked(M, N, K, a, ars, acs, pack, c, N, 0)
        : () => wasm.gemm(M, N, K, a, ars, acs, b, bjs, bks, c, N, 0, pack);
      const seconds_ = timed(run, seconds);
      for (const ptr of [a, b, c, pack]) heap.release(ptr);
      return (2 * M * N * K) / seconds_ / 1e9;
    },
  };
}
