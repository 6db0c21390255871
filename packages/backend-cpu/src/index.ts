import type { BackendFactory } from '@lstm/core';
import { createCpuBackend, type CpuBackendOptions } from './backend.js';

export type { CpuBackendOptions } from './backend.js';
export { gemmNT } from './kernels/gemm.js';

/**
 * The pure-TypeScript CPU backend (float32 and float64).
 * @example
 *   import { registerBackend } from '@lstm/core';
 *   import { cpu } from '@lstm/backend-cpu';
 *   registerBackend(cpu());
 */
export function cpu(options: CpuBackendOptions & { name?: string } = {}): BackendFactory {
  const name = options.name ?? 'cpu';
  return { name, priority: 1, create: () => createCpuBackend(name, options) };
}
