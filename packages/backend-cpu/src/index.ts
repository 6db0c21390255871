/**
 * Pure TypeScript CPU backend for @lstm: cache-blocked GEMM and fused LSTM/GRU/RNN kernels.
 * @packageDocumentation
 * @module @lstm/backend-cpu
 */
import type { BackendFactory } from '@lstm/core';
import { ValueError } from '@lstm/core';
import { createCpuBackend, type CpuBackendOptions } from './backend.js';
import { ThreadPool } from './threads/pool.js';

export type { CpuBackendOptions } from './backend.js';
export { gemmNT } from './kernels/gemm.js';
export { primitiveKernels } from './backend.js';
export { dimsOf as sequenceDims, type SequenceDims } from './kernels/recurrent-common.js';

/**
 * The pure-TypeScript CPU backend (float32 and float64); `threads: 2` adds a worker for large
 * matrix products.
 * @example
 *   import { registerBackend } from '@lstm/core';
 *   import { cpu } from '@lstm/backend-cpu';
 *   registerBackend(cpu());
 */
export function cpu(options: CpuBackendOptions & { name?: string } = {}): BackendFactory {
  const name = options.name ?? 'cpu';
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) throw new ValueError(`cpu: threads must be a positive integer, got ${threads}`);
  if (threads === 1) return { name, priority: 1, create: () => createCpuBackend(name, options) };
  return {
    name,
    priority: 1,
    async create() {
      if (typeof SharedArrayBuffer === 'undefined' || typeof process === 'undefined' || !process.versions?.node) {
        throw new ValueError('cpu: threads > 1 needs Node.js worker_threads and SharedArrayBuffer; use threads: 1 here');
      }
      return createCpuBackend(
        name,
        options,
        await ThreadPool.create({ threads, minWork: options.parallelMinWork, arenaBytes: options.arenaBytes }),
      );
    },
  };
}
