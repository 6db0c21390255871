import { SPEC_VERSION, type Backend, type DType, type FloatArray, type KernelTable } from '@lstm/core';
import { Cast, Fill } from './kernels/fill.js';
import { Gather, ScatterAdd } from './kernels/gather.js';
import { AdamUpdate } from './kernels/adam.js';
import { GruBackward } from './kernels/gru-backward.js';
import { GruForward } from './kernels/gru-forward.js';
import { Concat, Slice, Transpose } from './kernels/layout.js';
import { Abs, Add, Div, Exp, Log, Maximum, Mul, Neg, Relu, Sigmoid, Sqrt, Sub, Tanh } from './kernels/elementwise.js';
import { LstmBackward } from './kernels/lstm-backward.js';
import { LstmForward } from './kernels/lstm-forward.js';
import { MatMul } from './kernels/mat-mul.js';
import { withParallelGemm } from './kernels/gemm.js';
import type { ThreadPool } from './threads/pool.js';
import { ArgMax, Max, Sum } from './kernels/reduce.js';
import { RnnBackward } from './kernels/rnn-backward.js';
import { RnnForward } from './kernels/rnn-forward.js';

export interface CpuBackendOptions {
  /** Leave out the fused recurrent kernels so core's reference compositions run (testing). */
  fused?: boolean;
  /**
   * Threads for large matrix products (Node's worker_threads; default 1). With more than one,
   * creation is asynchronous: `await setBackend('cpu')`.
   */
  threads?: number;
  /** Products below this many multiply-adds stay on one thread (default 32768). */
  parallelMinWork?: number;
  /** Bytes of shared memory for operands handed to the workers (default 64 MiB). */
  arenaBytes?: number;
}

const fusedKernels: Partial<KernelTable> = { LstmForward, LstmBackward, GruForward, GruBackward, RnnForward, RnnBackward, AdamUpdate };

/**
 * The primitive kernels over plain typed arrays (every required kernel). Exported so a backend
 * whose storage can be viewed as typed arrays (backend-wasm's linear memory) runs the same code.
 */
export const primitiveKernels = {
  Neg,
  Exp,
  Log,
  Sqrt,
  Abs,
  Tanh,
  Sigmoid,
  Relu,
  Add,
  Sub,
  Mul,
  Div,
  Maximum,
  MatMul,
  Sum,
  Max,
  ArgMax,
  Transpose,
  Slice,
  Concat,
  Gather,
  ScatterAdd,
  Fill,
  Cast,
} satisfies Partial<KernelTable>;

/**
 * The CPU backend: handles are plain Float32Array / Float64Array, owned by the backend and
 * reclaimed by the garbage collector once core drops them.
 */
export function createCpuBackend(name: string, options: CpuBackendOptions = {}, pool: ThreadPool | null = null): Backend {
  const plain: Partial<KernelTable> = { ...primitiveKernels, ...(options.fused === false ? {} : fusedKernels) };
  const kernels = pool ? withPool(plain, pool) : plain;
  return {
    specVersion: SPEC_VERSION,
    name,
    capabilities: { readSync: true, dtypes: ['float32', 'float64'], floatPrecision: 32 },
    write(values: FloatArray, dtype: DType, writeOptions?: { transfer?: boolean }) {
      const matches = dtype === 'float64' ? values instanceof Float64Array : values instanceof Float32Array;
      if (matches) return writeOptions?.transfer ? values : values.slice();
      return dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
    },
    read: (handle) => Promise.resolve((handle as FloatArray).slice()),
    readSync: (handle) => (handle as FloatArray).slice(),
    disposeData() {
      // Plain typed arrays: the garbage collector reclaims them once core drops the handle.
    },
    kernels,
    ...(pool ? { destroy: () => pool.destroy() } : {}),
  };
}

/** Every kernel runs with the pool serving its large matrix products. */
function withPool(kernels: Partial<KernelTable>, pool: ThreadPool): Partial<KernelTable> {
  const wrapped: Record<string, unknown> = {};
  for (const [id, kernel] of Object.entries(kernels)) {
    const run = kernel as (inputs: unknown, attrs: unknown) => unknown;
    wrapped[id] = (inputs: unknown, attrs: unknown) => withParallelGemm(pool, () => run(inputs, attrs));
  }
  return wrapped as Partial<KernelTable>;
}
