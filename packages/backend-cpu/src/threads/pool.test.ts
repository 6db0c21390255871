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

describe('thread pool results (issue 20)', () => {
  it('adds to C exactly as one thread does: accumulating products are bit-identical', async () => {
    const { ThreadPool } = await import('./pool.js');
    const { gemmSerial } = await import('../kernels/gemm.js');
    const pool = await ThreadPool.create({ threads: 2, minWork: 0 });
    try {
      // Odd sizes, so every path of the kernel (4×4 blocks, leftover columns and rows) takes part.
      for (const [M, N, K] of [
        [7, 37, 19],
        [1, 64, 33],
        [32, 128, 64],
      ] as const) {
        const values = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + seed) * 3);
        const A = values(M * K, 1);
        const B = values(N * K, 2);
        const serial = values(M * N, 3);
        const threaded = serial.slice();
        gemmSerial(M, N, K, A, 0, K, B, 0, K, serial, 0, N, true);
        const ran = pool.run({
          rows: M,
          cols: N,
          depth: K,
          left: { data: A, stride: K },
          right: { data: B, stride: K },
          out: { data: threaded, stride: N },
          accumulate: true,
        });
        expect(ran, `${M}×${N}×${K} ran on the pool`).toBe(true);
        expect(Array.from(threaded), `${M}×${N}×${K}`).toEqual(Array.from(serial));
      }
    } finally {
      await pool.destroy();
    }
  });
});
