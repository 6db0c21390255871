import { readdirSync, readFileSync } from 'node:fs';
import type { DType } from '@lstm/core';
import { describePytorchFixtures, type Fixture } from './pytorch-fixtures.test-helper.js';
import { useCpu } from './use-cpu.test-helper.js';

const directory = new URL('./__fixtures__/', import.meta.url);
export const fixtures: Fixture[] = readdirSync(directory)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(new URL(f, directory), 'utf8')));

useCpu();

// Bounds from the issue: ≤ 1e-9 relative in float64, ≤ 1e-5 in float32 (normwise, per tensor).
const BOUND: Record<DType, number> = { float64: 1e-9, float32: 1e-5 };

describePytorchFixtures('cpu', fixtures, ['float64', 'float32'], BOUND);
