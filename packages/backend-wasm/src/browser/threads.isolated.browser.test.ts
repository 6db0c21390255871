import { registerBackend } from '@lstm/core';
import { describe, expect, it } from 'vitest';
import { wasm } from '../index.js';
import { forwardAndGradients } from '../same-bits.test-helper.js';

// In a cross-origin-isolated page (the chromium-isolated project serves COOP/COEP headers), two
// threads on shared memory with Web Workers: the same bits as one thread.
describe('wasm({ threads: 2 }) in a cross-origin-isolated page', () => {
  it('is isolated, and two threads give the bits of one', async () => {
    expect((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated).toBe(true);
    registerBackend(wasm({ name: 'page-1' }));
    registerBackend(wasm({ name: 'page-2', threads: 2, parallelMinWork: 0 }));
    const one = await forwardAndGradients('page-1');
    const two = await forwardAndGradients('page-2');
    expect(two).toHaveLength(one.length);
    for (const [i, values] of two.entries()) expect(values, `tensor ${i}`).toEqual(one[i]);
  });
});
