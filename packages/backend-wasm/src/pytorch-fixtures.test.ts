import { readdirSync, readFileSync } from 'node:fs';
import { getBackend, registerBackend, setBackend } from '@lstm/core';
import { beforeAll, describe, expect } from 'vitest';
import { describePytorchFixtures, type Fixture } from '../../layers/src/pytorch-fixtures.test-helper.js';
import { wasm, wasmAvailability, wasmBuild } from './index.js';

const directory = new URL('../../layers/src/__fixtures__/', import.meta.url);
const fixtures: Fixture[] = readdirSync(directory)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(new URL(f, directory), 'utf8')));

// The bound for backend-wasm: float32 within 1e-5 relative (normwise, per tensor), as
// backend-cpu — on the default build and on the fused multiply-add one (where the engine has relaxed
// SIMD: Node ≥ 22; on Node 20 `fma: true` runs the default build, and fma.test.ts covers FMA there).
const fma = (await wasmAvailability()).fma;
for (const [name, options] of [
  ['wasm', {}],
  [fma ? 'wasm-fma' : 'wasm-fma (plain SIMD: no relaxed SIMD here)', { fma: true }],
] as const) {
  describe(name, () => {
    beforeAll(async () => {
      registerBackend(wasm({ name, ...options }));
      await setBackend(name);
      expect(wasmBuild(getBackend()).fma).toBe(name === 'wasm-fma');
    });
    describePytorchFixtures(name, fixtures, ['float32'], { float32: 1e-5, float64: 0 });
  });
}
