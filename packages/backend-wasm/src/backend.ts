import { SPEC_VERSION, type Backend, type DType, type FloatArray, type KernelTable, ValueError } from '@lstm/core';
import { Heap, type WasmHandle } from './memory.js';
import { PackCache } from './pack-cache.js';
import type { Context } from './kernels/context.js';
import { gruBackwardKernel, gruForwardKernel } from './kernels/gru.js';
import { lstmBackwardKernel, lstmForwardKernel } from './kernels/lstm.js';
import { matMulKernel } from './kernels/mat-mul.js';
import { adamUpdateKernel } from './kernels/optim.js';
import { elementwiseKernels } from './kernels/elementwise.js';
import { primitivesOver } from './kernels/primitives.js';
import { rnnBackwardKernel, rnnForwardKernel } from './kernels/rnn.js';
import { buildFor, compileBuild, createMemory, instantiate } from './module.js';
import { soloTeam, threadTeam } from './team.js';

export interface WasmBackendOptions {
  /** Leave out the fused recurrent kernels so core's reference compositions run (testing). */
  fused?: boolean;
  /**
   * Allow relaxed SIMD's fused multiply-add where the engine has it (Node ≥ 22, Chrome ≥ 114,
   * Firefox; Node 20 only with `--experimental-wasm-relaxed-simd`; not Safari), and the plain SIMD
   * build elsewhere; `wasmBuild(backend).fma` says which runs. Faster, but a fused multiply-add
   * rounds once where the default build rounds twice, and relaxed SIMD lets each engine and CPU
   * choose fused or not: results then differ in the last bits between machines (default false:
   * the same bits everywhere, and on any number of threads).
   */
  fma?: boolean;
  /** Initial size of the linear memory in MiB (default 16); it grows on demand up to 4 GiB. */
  initialMemoryMiB?: number;
  /**
   * Threads (default 1). With more, the memory is shared with `threads − 1` workers (Node's
   * worker_threads, or Web Workers in a cross-origin-isolated page) and the recurrent kernels
   * split the batch, the weight gradients their gate rows, and large products their rows.
   */
  threads?: number;
  /** Kernels below this many multiply-adds stay on the calling thread (default 65536). */
  parallelMinWork?: number;
}

/** Creates the backend: one linear memory, the kernel module instantiated on it, the kernel table. */
export async function createWasmBackend(name: string, options: WasmBackendOptions = {}): Promise<Backend> {
  const initialPages = Math.ceil(((options.initialMemoryMiB ?? 16) * 1024 * 1024) / 65536);
  const threads = options.threads ?? 1;
  const shared = threads > 1;
  const build = buildFor(threads, options.fma ?? false);
  const memory = createMemory(initialPages, shared);
  const wasm = await instantiate(build, memory);
  const heap = new Heap(memory, wasm.heapBase());
  const packs = new PackCache(heap, wasm);
  const team = shared
    ? await threadTeam(threads, options.parallelMinWork ?? 1 << 16, await compileBuild(build), memory, heap, wasm)
    : soloTeam(wasm);
  const ctx: Context = { heap, wasm, packs, team };
  const fused: Partial<KernelTable> = {
    LstmForward: lstmForwardKernel(ctx),
    LstmBackward: lstmBackwardKernel(ctx),
    GruForward: gruForwardKernel(ctx),
    GruBackward: gruBackwardKernel(ctx),
    RnnForward: rnnForwardKernel(ctx),
    RnnBackward: rnnBackwardKernel(ctx),
    AdamUpdate: adamUpdateKernel(ctx),
  };
  const primitives = primitivesOver(ctx);
  const kernels: Partial<KernelTable> = {
    ...primitives,
    ...elementwiseKernels(ctx, primitives),
    MatMul: matMulKernel(ctx),
    ...(options.fused === false ? {} : fused),
  };
  const handleOf = (handle: unknown): WasmHandle => handle as WasmHandle;
  const backend: Backend = {
    specVersion: SPEC_VERSION,
    name,
    capabilities: { readSync: true, dtypes: ['float32'], floatPrecision: 32 },
    write(values: FloatArray, dtype: DType): WasmHandle {
      if (dtype !== 'float32') throw new ValueError(`${name}: stores float32 only; use @lstm/backend-cpu for float64`);
      return { ptr: heap.store(values), size: values.length };
    },
    read: (handle) => Promise.resolve(heap.f32(handleOf(handle).ptr, handleOf(handle).size).slice()),
    readSync: (handle) => heap.f32(handleOf(handle).ptr, handleOf(handle).size).slice(),
    disposeData(handle) {
      packs.drop(handleOf(handle));
      heap.release(handleOf(handle).ptr);
    },
    kernels,
    destroy: () => team.destroy(),
  };
  internals.set(backend, { heap, fma: options.fma ?? false, threads });
  return backend;
}

/** What the exported queries read about a backend-wasm backend. */
const internals = new WeakMap<Backend, { heap: Heap; fma: boolean; threads: number }>();

function internalsOf(backend: Backend, query: string): { heap: Heap; fma: boolean; threads: number } {
  const found = internals.get(backend);
  if (!found) throw new ValueError(`${query}: backend "${backend.name}" is not a @lstm/backend-wasm backend`);
  return found;
}

/** Which build a backend-wasm backend runs: relaxed SIMD's fused multiply-add or not, and its threads. */
export function wasmBuild(backend: Backend): { fma: boolean; threads: number } {
  const { fma, threads } = internalsOf(backend, 'wasmBuild');
  return { fma, threads };
}

/** The linear memory of a backend-wasm backend: bytes reserved (never shrinks) and in live blocks. */
export function wasmMemory(backend: Backend): { reservedBytes: number; liveBytes: number } {
  const { heap } = internalsOf(backend, 'wasmMemory');
  return { reservedBytes: heap.reservedBytes, liveBytes: heap.liveBytes };
}
