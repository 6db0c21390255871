/**
 * WebAssembly SIMD backend for @lstm: packed SGEMM and fused whole-sequence LSTM/GRU/RNN kernels, in Node and every current browser.
 * @packageDocumentation
 * @module @lstm/backend-wasm
 */
import { type BackendFactory, ValueError, assertKnownOptions, assertPositiveInteger } from '@lstm/core';
import { createWasmBackend, type WasmBackendOptions } from './backend.js';
import { buildFor, canShareMemory, validates, webAssembly } from './module.js';

export type { WasmBackendOptions } from './backend.js';
export { wasmBuild, wasmMemory } from './backend.js';

/** What this engine can run: fixed-width SIMD (required) and relaxed SIMD's FMA (optional). */
export async function wasmAvailability(): Promise<{ simd: boolean; fma: boolean }> {
  if (!webAssembly) return { simd: false, fma: false };
  return { simd: await validates('simd'), fma: await validates('fma') };
}

/**
 * The WebAssembly SIMD backend: a packed SGEMM and whole-sequence LSTM/GRU/RNN kernels compiled
 * from AssemblyScript, one linear memory owned by the backend. Creation is asynchronous (the
 * module compiles off the main thread in browsers): `await setBackend('wasm')`.
 * @example
 *   import { registerBackend, setBackend } from '@lstm/core';
 *   import { wasm } from '@lstm/backend-wasm';
 *   registerBackend(wasm());
 *   await setBackend('wasm');
 */
export function wasm(options: WasmBackendOptions & { name?: string } = {}): BackendFactory {
  const name = options.name ?? 'wasm';
  assertKnownOptions(name, options, ['name', 'fused', 'fma', 'initialMemoryMiB', 'threads', 'parallelMinWork']);
  const threads = options.threads ?? 1;
  if (options.initialMemoryMiB !== undefined) assertPositiveInteger(name, 'initialMemoryMiB', options.initialMemoryMiB);
  if (options.parallelMinWork !== undefined && !(Number.isInteger(options.parallelMinWork) && options.parallelMinWork >= 0)) {
    throw new ValueError(`${name}: parallelMinWork must be a non-negative integer, got ${options.parallelMinWork}`);
  }
  return {
    name,
    priority: 2,
    async create() {
      if (!Number.isInteger(threads) || threads < 1 || threads > 16) {
        throw new ValueError(`${name}: threads must be an integer from 1 to 16, got ${threads}`);
      }
      if (threads > 1 && !canShareMemory()) {
        throw new ValueError(`${name}: threads > 1 needs SharedArrayBuffer (Node, or a cross-origin-isolated page); use threads: 1 here`);
      }
      // Validate only the builds this backend may run: a page then downloads one or two builds, not four.
      // fma is a permission: the relaxed-SIMD build where the engine has it, the plain one elsewhere.
      const fma = options.fma === true && (await validates(buildFor(threads, true)));
      if (!fma && !(await validates(buildFor(threads, false)))) {
        throw new ValueError(
          `${name}: this engine lacks WebAssembly SIMD (Node ≥ 20 and every current browser have it); use @lstm/backend-cpu`,
        );
      }
      return createWasmBackend(name, { ...options, fma });
    },
  };
}
export { createGemmProbe, type GemmProbe, type GemmShape } from './probe.js';
