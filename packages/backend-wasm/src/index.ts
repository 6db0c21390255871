import { type BackendFactory, ValueError } from '@lstm/core';
import { createWasmBackend, type WasmBackendOptions } from './backend.js';
import { validates, webAssembly } from './module.js';

export type { WasmBackendOptions } from './backend.js';
export { wasmMemory } from './backend.js';

/** What this engine can run: fixed-width SIMD (required) and relaxed SIMD's FMA (optional). */
export function wasmAvailability(): { simd: boolean; fma: boolean } {
  if (!webAssembly) return { simd: false, fma: false };
  return { simd: validates('simd'), fma: validates('fma') };
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
  return {
    name,
    priority: 2,
    async create() {
      const available = wasmAvailability();
      if (!available.simd)
        throw new ValueError(
          `${name}: this engine lacks WebAssembly SIMD (Node ≥ 20 and every current browser have it); use @lstm/backend-cpu`,
        );
      if (options.fma && !available.fma) {
        throw new ValueError(
          `${name}: fma needs relaxed SIMD, which this engine lacks (Node 20: run with --experimental-wasm-relaxed-simd; Safari: none); drop fma: true`,
        );
      }
      return createWasmBackend(name, options.fma ? 'fma' : 'simd', options);
    },
  };
}
export { createGemmProbe, type GemmProbe, type GemmShape } from './probe.js';
