import { registerBackend, setBackend, tensor, tidy } from '@lstm/core';
import { SequenceClassifier } from '@lstm/layers';
import { describe, expect, it } from 'vitest';
import { wasm } from '../index.js';

// In a cross-origin-isolated page (the chromium-isolated project serves COOP/COEP headers), two
// threads on shared memory with Web Workers: the same bits as one thread.
describe('wasm({ threads: 2 }) in a cross-origin-isolated page', () => {
  it('is isolated, and two threads give the bits of one', async () => {
    expect((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated).toBe(true);
    const run = async (name: string) => {
      await setBackend(name);
      return tidy(() => {
        const model = new SequenceClassifier({ inputSize: 3, hiddenSize: 20, numLayers: 2, numClasses: 4, seed: 3 });
        const x = tensor(
          Array.from({ length: 6 * 9 * 3 }, (_, i) => Math.sin(i * 0.37)),
          [6, 9, 3],
        );
        const { output, cache } = model.forward(x, { training: true });
        model.backward(
          tensor(
            Array.from({ length: 24 }, (_, i) => Math.cos(i)),
            [6, 4],
          ),
          cache,
        );
        const values = [output.readSync(), ...model.parameters().map((p) => p.grad!.readSync())];
        for (const p of model.parameters()) p.value.dispose();
        return values;
      });
    };
    registerBackend(wasm({ name: 'page-1' }));
    registerBackend(wasm({ name: 'page-2', threads: 2, parallelMinWork: 0 }));
    const one = await run('page-1');
    const two = await run('page-2');
    expect(two).toHaveLength(one.length);
    for (const [i, values] of two.entries()) expect(values, `tensor ${i}`).toEqual(one[i]);
  });
});
