import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { getBackend, registerBackend, setBackend } from '@lstm/core';
import { describe, expect, it } from 'vitest';
import { wasm, wasmAvailability, wasmBuild } from './index.js';

const child = fileURLToPath(new URL('./fma-child.test-helper.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');
/** Node 20 has relaxed SIMD behind a flag; from Node 22 it is on, and the flag is gone. */
const relaxedSimdFlag = Number(process.versions.node.split('.')[0]) < 22 ? ['--experimental-wasm-relaxed-simd'] : [];

describe('the relaxed-SIMD (FMA) build, when the user allows it', () => {
  it('runs where the engine has relaxed SIMD and falls back to the plain SIMD build where not', async () => {
    const { fma } = await wasmAvailability();
    registerBackend(wasm({ name: 'wasm-fma-here', fma: true }));
    await setBackend('wasm-fma-here');
    expect(wasmBuild(getBackend())).toEqual({ fma, threads: 1 });
    registerBackend(wasm({ name: 'wasm-plain-here' }));
    await setBackend('wasm-plain-here');
    expect(wasmBuild(getBackend())).toEqual({ fma: false, threads: 1 });
  });

  it('runs the fused LSTM within 1e-5 of backend-cpu, on one thread and two, in a Node with relaxed SIMD', () => {
    const result = spawnSync(process.execPath, [...relaxedSimdFlag, '--conditions=@lstm/source', '--import', tsx, child], {
      encoding: 'utf8',
    });
    expect(result.status, result.stderr).toBe(0);
    const { builds, errors } = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as {
      builds: { fma: boolean; threads: number }[];
      errors: Record<string, number>;
    };
    expect(builds).toEqual([
      { fma: true, threads: 1 },
      { fma: true, threads: 2 },
    ]);
    expect(Object.keys(errors)).toEqual([
      '1 thread: y',
      '1 thread: c',
      '1 thread: dx',
      '1 thread: dWeightHh',
      '2 threads: y',
      '2 threads: c',
      '2 threads: dx',
      '2 threads: dWeightHh',
    ]);
    for (const [name, error] of Object.entries(errors)) expect(error, name).toBeLessThanOrEqual(1e-5);
  });
});
