import { cpu } from '@lstm/backend-cpu';
import { registerBackend, setBackendSync, type MemoryInfo } from '@lstm/core';
import { expect, it } from 'vitest';
import { trainSteps } from './leak.test-helper.js';

it('1,000 training steps on backend-cpu leave memory() flat (tensors, buffers, bytes)', () => {
  registerBackend(cpu());
  setBackendSync('cpu');
  const seen = new Map<number, MemoryInfo>();
  trainSteps(1000, (step, core) => {
    if (step === 10 || step === 1000) seen.set(step, core);
  });
  expect(seen.get(1000)).toEqual(seen.get(10));
  expect(seen.get(10)!.numTensors).toBeGreaterThan(0);
});
