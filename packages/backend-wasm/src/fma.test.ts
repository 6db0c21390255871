import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { registerBackend, setBackend } from '@lstm/core';
import { describe, expect, it } from 'vitest';
import { wasm, wasmAvailability } from './index.js';

const child = fileURLToPath(new URL('./fma-child.test-helper.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');

describe('the relaxed-SIMD (FMA) build, opt-in', () => {
  it('says clearly how to enable it where the engine lacks relaxed SIMD (and starts where it has it)', async () => {
    registerBackend(wasm({ name: 'wasm-fma-here', fma: true }));
    if ((await wasmAvailability()).fma) await expect(setBackend('wasm-fma-here')).resolves.toBeDefined();
    else await expect(setBackend('wasm-fma-here')).rejects.toThrow(/fma needs relaxed SIMD.*--experimental-wasm-relaxed-simd/);
  });

  it('runs the fused LSTM within 1e-5 of backend-cpu in a Node started with relaxed SIMD', () => {
    const result = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--conditions=@lstm/source', '--import', tsx, child], {
      encoding: 'utf8',
    });
    expect(result.status, result.stderr).toBe(0);
    const { available, errors } = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as {
      available: { simd: boolean; fma: boolean };
      errors: Record<string, number>;
    };
    expect(available).toEqual({ simd: true, fma: true });
    expect(Object.keys(errors)).toEqual(['y', 'c', 'dx', 'dWeightHh']);
    for (const [name, error] of Object.entries(errors)) expect(error, name).toBeLessThanOrEqual(1e-5);
  });
});
