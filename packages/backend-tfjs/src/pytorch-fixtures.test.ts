import { readdirSync, readFileSync } from 'node:fs';
import { registerBackend, setBackend } from '@lstm/core';
import { beforeAll, describe } from 'vitest';
import { describePytorchFixtures, type Fixture } from '../../layers/src/pytorch-fixtures.test-helper.js';
import { tfjs } from './index.js';

const directory = new URL('../../layers/src/__fixtures__/', import.meta.url);
const fixtures: Fixture[] = readdirSync(directory)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(new URL(f, directory), 'utf8')));

// The bound for tfjs: 1e-4 relative in float32 (normwise, per tensor).
for (const backend of ['cpu', 'wasm'] as const) {
  describe(`tfjs-${backend}`, () => {
    beforeAll(async () => {
      registerBackend(tfjs({ backend }));
      await setBackend(`tfjs-${backend}`);
    });
    describePytorchFixtures(`tfjs-${backend}`, fixtures, ['float32'], { float32: 1e-4, float64: 0 });
  });
}
