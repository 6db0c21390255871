import { describe, expect, it } from 'vitest';
import { tensor } from '../../ops/create.js';
import { add } from '../../ops/elementwise.js';
import { reshape } from '../../ops/shape-ops.js';
import { keep, memory, tidy } from '../../registry.js';
import type { ConformanceOptions } from './context.js';

/** Storage and lifetimes as seen through a backend. */
export function lifetimeSuite({ capabilities }: ConformanceOptions): void {
  describe('storage and lifetimes', () => {
    it('tidy frees intermediates, keeps returned and kept tensors', async () => {
      const before = memory();
      let kept = null as ReturnType<typeof tensor> | null;
      const result = tidy(() => {
        const a = tensor([1, 2, 3]);
        kept = keep(add(a, 1));
        return { sum: add(a, a) };
      });
      expect(memory().numTensors).toBe(before.numTensors + 2);
      expect(Array.from(await result.sum.read())).toEqual([2, 4, 6]);
      result.sum.dispose();
      kept!.dispose();
      expect(memory()).toEqual(before);
    });

    it('a reshaped view shares storage until both are disposed', async () => {
      const before = memory();
      const a = tensor([1, 2, 3, 4]);
      const view = reshape(a, [2, 2]);
      expect(memory().numDataBuffers).toBe(before.numDataBuffers + 1);
      a.dispose();
      expect(Array.from(await view.read())).toEqual([1, 2, 3, 4]);
      view.dispose();
      expect(memory()).toEqual(before);
      await expect(view.read()).rejects.toThrow(/already disposed/);
    });

    it("write copies the caller's array", async () => {
      const source = new Float32Array([1, 2]);
      const t = tensor(source);
      source[0] = 99;
      expect((await t.read())[0]).toBe(1);
      const copy = await t.read();
      copy[1] = 42;
      expect((await t.read())[1]).toBe(2);
      t.dispose();
    });

    it(`read() resolves${capabilities.readSync ? ' and matches readSync()' : ''}`, async () => {
      const t = tensor([0.5, 1.5]);
      expect(Array.from(await t.read())).toEqual([0.5, 1.5]);
      if (capabilities.readSync) expect(Array.from(t.readSync())).toEqual([0.5, 1.5]);
      t.dispose();
    });
  });
}
