import { matMul, registerBackend, setBackend, tensor, tidy } from '@lstm/core';
import { describe, expect, it } from 'vitest';
import { cpu } from '../index.js';

describe('thread pool arena', () => {
  it('evicts cached weights instead of overwriting them with scratch (regression)', async () => {
    registerBackend(cpu({ name: 'serial' }));
    // 24 KiB arena; each [16, 96] float32 weight takes 6 KiB once cached.
    registerBackend(cpu({ name: 'tight', threads: 2, parallelMinWork: 0, arenaBytes: 24 * 1024 }));
    const weights = Array.from({ length: 3 }, (_, w) => Array.from({ length: 16 * 96 }, (_, i) => Math.sin(i * 0.1 + w)));
    const input = (rows: number, seed: number) => Array.from({ length: rows * 96 }, (_, i) => Math.cos(i * 0.07 + seed));
    // Rows 1 (small scratch) cache all three weights, filling the arena to 18 KiB; 16 rows on a
    // cached weight need 6.5 KiB of scratch from the end, reaching into the third weight's copy;
    // then the third weight is used again.
    const sequence: [number, number][] = [
      [1, 0],
      [1, 1],
      [1, 2],
      [16, 0],
      [1, 2],
      [16, 2],
      [1, 1],
    ];
    const products = async (backend: string) => {
      await setBackend(backend);
      const w = weights.map((values) => tensor(values, [16, 96]));
      const out = sequence.map(([rows, k], step) =>
        tidy(() => Array.from(matMul(tensor(input(rows, step), [rows, 96]), w[k]!, { transposeB: true }).readSync())),
      );
      w.forEach((t) => {
        t.dispose();
      });
      return out;
    };
    const expected = await products('serial');
    expect(await products('tight')).toEqual(expected);
  });
});
