import { getBackend, registerBackend, setBackend } from '@lstm/core';
import { describeBackendConformance } from '@lstm/core/testing';
import { describe, expect, it } from 'vitest';
import { trainSteps } from '../../tasks/src/leak.test-helper.js';
import { wasm, wasmMemory } from './index.js';
import { forwardAndGradients } from './same-bits.test-helper.js';

// Two threads on a shared memory, every kernel split however small (parallelMinWork: 0): the
// unchanged conformance suite, and the same numbers as one thread.
describeBackendConformance({
  factory: wasm({ name: 'wasm-2', threads: 2, parallelMinWork: 0 }),
  capabilities: { readSync: true, dtypes: ['float32'], floatPrecision: 32 },
});

describe('wasm({ threads: 2 })', () => {
  it('computes a model’s forward and training gradients with the same bits as one thread', async () => {
    registerBackend(wasm({ name: 'wasm-1-bits' }));
    registerBackend(wasm({ name: 'wasm-2-bits', threads: 2, parallelMinWork: 0 }));
    const one = await forwardAndGradients('wasm-1-bits');
    const two = await forwardAndGradients('wasm-2-bits');
    expect(two).toHaveLength(one.length);
    for (const [i, values] of two.entries()) expect(values, `tensor ${i}`).toEqual(one[i]);
  });

  it('keeps its shared memory flat over 1,000 training steps', async () => {
    registerBackend(wasm({ name: 'wasm-2-leaks', threads: 2, parallelMinWork: 0 }));
    await setBackend('wasm-2-leaks');
    const reserved = new Map<number, number>();
    trainSteps(1000, (step) => {
      if (step === 10 || step === 1000) reserved.set(step, wasmMemory(getBackend()).reservedBytes);
    });
    expect(reserved.get(1000)).toBe(reserved.get(10));
  });

  it('refuses a misspelt or impossible option in one line', () => {
    expect(() => wasm({ thread: 2 } as never)).toThrow(/wasm: unknown option 'thread'; expected one of .*threads/);
    expect(() => wasm({ initialMemoryMiB: -1 })).toThrow(/initialMemoryMiB must be a positive integer, got -1/);
    expect(() => wasm({ parallelMinWork: Number.NaN })).toThrow(/parallelMinWork must be a non-negative integer/);
  });

  it('refuses a thread count it cannot honour, in one line, when selected', async () => {
    registerBackend(wasm({ name: 'wasm-0', threads: 0 }));
    await expect(setBackend('wasm-0')).rejects.toThrow(/threads must be an integer from 1 to 16, got 0/);
  });
});
