import { adamUpdate, getBackend, type MemoryInfo, referenceKernels, registerBackend, setBackend, tensor, tidy } from '@lstm/core';
import { describe, expect, it } from 'vitest';
import { trainSteps } from '../../tasks/src/leak.test-helper.js';
import { wasm, wasmMemory } from './index.js';
import { sizeClass } from './memory.js';

describe('the allocator', () => {
  it('rounds requests up by at most 25% (64-byte blocks below 256 bytes)', () => {
    for (let bytes = 1; bytes < 1 << 22; bytes = Math.ceil(bytes * 1.37) + 1) {
      const reserved = sizeClass(bytes);
      expect(reserved).toBeGreaterThanOrEqual(bytes);
      expect(reserved % 64 === 0 || bytes > 256).toBe(true);
      if (bytes > 256) expect(reserved / bytes).toBeLessThanOrEqual(1.25);
    }
  });
});

describe('backend-wasm memory', () => {
  it('does not grow over 1,000 training steps, and core’s memory() stays flat', async () => {
    registerBackend(wasm({ name: 'wasm-leaks' }));
    await setBackend('wasm-leaks');
    const seen = new Map<number, { core: MemoryInfo; reserved: number; live: number }>();
    trainSteps(1000, (step, core) => {
      if (step === 10 || step === 1000) {
        const { reservedBytes, liveBytes } = wasmMemory(getBackend());
        seen.set(step, { core, reserved: reservedBytes, live: liveBytes });
      }
    });
    expect(seen.get(1000)).toEqual(seen.get(10));
    expect(seen.get(10)!.live).toBeGreaterThan(0);
  });

  it('keeps every tensor intact when the linear memory grows (views are made after the grow)', async () => {
    registerBackend(wasm({ name: 'wasm-grow', initialMemoryMiB: 1 }));
    await setBackend('wasm-grow');
    const before = wasmMemory(getBackend()).reservedBytes;
    tidy(() => {
      const small = tensor([1, 2, 3, 4, 5], [5]);
      const big = tensor(new Float32Array(4 * 1024 * 1024).fill(0.5), [4 * 1024 * 1024]); // 16 MiB: grows the memory
      expect(wasmMemory(getBackend()).reservedBytes).toBeGreaterThan(before);
      expect(Array.from(small.readSync())).toEqual([1, 2, 3, 4, 5]);
      expect(big.readSync()[4 * 1024 * 1024 - 1]).toBe(0.5);
      const x = tensor(
        Array.from({ length: 2 * 3 * 4 }, (_, i) => Math.cos(i)),
        [2, 3, 4],
      );
      expect(Array.from(x.readSync().slice(0, 2))).toEqual([1, Math.fround(Math.cos(1))]);
    });
  });

  it('refuses a double free with a clear error instead of corrupting the free list', async () => {
    registerBackend(wasm({ name: 'wasm-free' }));
    const backend = await setBackend('wasm-free');
    const handle = backend.write(Float32Array.of(1, 2), 'float32');
    backend.disposeData(handle);
    expect(() => backend.disposeData(handle)).toThrow(/freed twice or never allocated/);
  });
});

describe('the fused Adam update', () => {
  it('gives the same bits as core’s composition of primitives on this backend', async () => {
    registerBackend(wasm({ name: 'wasm-adam' }));
    await setBackend('wasm-adam');
    tidy(() => {
      const values = (seed: number, scale: number) => Array.from({ length: 103 }, (_, i) => Math.sin(i * seed) * scale);
      const param = tensor(values(1, 1), [103]);
      const grad = tensor(values(2, 0.3), [103]);
      const moments = { m: tensor(values(3, 0.01), [103]), v: tensor(values(4, 0.001).map(Math.abs), [103]) };
      for (const decay of [{}, { weightDecay: 0.01 }, { weightDecay: 0.01, decoupled: true }]) {
        const attrs = {
          beta1: 0.9,
          beta2: 0.999,
          eps: 1e-8,
          lr: 3e-3,
          stepSize: 3e-3 / (1 - 0.9 ** 7),
          correction2Sqrt: Math.sqrt(1 - 0.999 ** 7),
          weightDecay: 0,
          decoupled: false,
          ...decay,
        };
        const fused = adamUpdate(param, grad, moments, attrs);
        const composed = referenceKernels.AdamUpdate({ param, grad, ...moments }, attrs);
        for (const name of ['param', 'm', 'v'] as const) expect(fused[name].readSync(), name).toEqual(composed[name].readSync());
      }
    });
  });
});
