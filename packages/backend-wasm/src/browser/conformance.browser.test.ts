import { registerBackend, setBackend } from '@lstm/core';
import { describeBackendConformance } from '@lstm/core/testing';
import { describe, expect, it } from 'vitest';
import { wasm, wasmAvailability } from '../index.js';

// The unchanged conformance suite on backend-wasm in a real browser (Chromium): the same kernels,
// compiled asynchronously off the main thread, with the module's bytes embedded in the bundle.
describe('backend-wasm in Chromium', () => {
  it('the browser validates the SIMD build', async () => {
    expect((await wasmAvailability()).simd).toBe(true);
  });

  it('threads need a cross-origin-isolated page, and say so in one line where it is not', async () => {
    const scope = globalThis as { crossOriginIsolated?: boolean };
    registerBackend(wasm({ name: 'wasm-threads-page', threads: 2 }));
    if (scope.crossOriginIsolated) {
      await expect(setBackend('wasm-threads-page')).resolves.toBeDefined();
    } else {
      await expect(setBackend('wasm-threads-page')).rejects.toThrow(
        /threads > 1 needs SharedArrayBuffer .*cross-origin-isolated page.*threads: 1/,
      );
    }
  });
});
describeBackendConformance({ factory: wasm(), capabilities: { readSync: true, dtypes: ['float32'], floatPrecision: 32 } });
