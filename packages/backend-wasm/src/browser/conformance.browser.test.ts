import { describeBackendConformance } from '@lstm/core/testing';
import { wasm, wasmAvailability } from '../index.js';
import { expect, it } from 'vitest';

// The unchanged conformance suite on backend-wasm in a real browser (Chromium): the same kernels,
// compiled asynchronously off the main thread, with the module's bytes embedded in the bundle.
it('the browser validates the SIMD build', () => {
  expect(wasmAvailability().simd).toBe(true);
});
describeBackendConformance({ factory: wasm(), capabilities: { readSync: true, dtypes: ['float32'], floatPrecision: 32 } });
