import { readdirSync, readFileSync } from 'node:fs';
import { registerBackend, setBackend } from '@lstm/core';
import { beforeAll, describe } from 'vitest';
import { describePytorchFixtures, type Fixture } from '../../layers/src/pytorch-fixtures.test-helper.js';
import { wasm } from './index.js';

const directory = new URL('../../layers/src/__fixtures__/', import.meta.url);
const fixtures: Fixture[] = readdirSync(directory)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(new URL(f, directory), 'utf8')));

// The bound for backend-wasm: float32 within 1e-5 relative (normwise, per tensor), as backend-cpu.
describe('wasm', () => {
  beforeAll(async () => {
    registerBackend(wasm());
    await setBackend('wasm');
  });
  describePytorchFixtures('wasm', fixtures, ['float32'], { float32: 1e-5, float64: 0 });
});
