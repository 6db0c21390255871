import { matMul, registerBackend, setBackend, tensor, tidy } from '@lstm/core';
import { describe, expect, it } from 'vitest';
import { cpu } from '../index.js';

describe('thread pool arena', () => {
  it('evicts cached weights instead of overwriting them when the arena fills (regression)', async () => {
    registerBackend(cpu({ name: 'serial' }));
    // 24 KiB: room for one or two cached [16, 96] float32 weights (6 KiB each) plus scratch.
    registerBackend(cpu({ name: 'tight', threads: 2, parallelMinWork: 0, arenaBytes: 24 * 1024 }));
    const weights = Array.from({ length: 6 }, (_, w) => Array.from({ length: 16 * 96 }, (_, i) => Math.sin(i * 0.1 + w)));
    const inputs = Array.from({ length: 6 }, (_, r) => Array.from({ length: 3 * 96 }, (_, i) => Math.cos(i * 0.07 + r)));
    const products = async (backend: string) => {
      await setBackend(backend);
      const w = weights.map((values) => tensor(values, [16, 96]));
      const out: number[][] = [];
      // Interleave weights so cached copies are reused, evicted and re-copied.
      for (const order of [[0, 1, 2, 3, 4, 5], [5, 0, 4, 1, 3, 2], [2, 2, 5, 5, 0, 1]]) {
        for (const [r, k] of order.entries()) out.push(tidy(() => Array.from(matMul(tensor(inputs[r]!, [3, 96]), w[k]!, { transposeB: true }).readSync())));
      }
      w.forEach((t) => t.dispose());
      return out;
    };
    const expected = await products('serial');
    const threaded = await products('tight');
    expect(threaded).toEqual(expected);
  });
});
