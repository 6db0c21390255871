import { getBackend, registerBackend, setBackend, type MemoryInfo } from '@lstm/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { describePytorchFixtures, type Fixture } from '../../../layers/src/pytorch-fixtures.test-helper.js';
import { trainSteps } from '../../../tasks/src/leak.test-helper.js';
import { tfjs } from '../index.js';

declare global {
  interface ImportMeta {
    /** Vite's build-time glob import (the literal call is what vite rewrites). */
    glob<T>(pattern: string, options: { eager: true; import: 'default' }): Record<string, T>;
  }
}

// Vite inlines the fixture files at build time, as a page would bundle them.
const fixtures = Object.values(import.meta.glob<Fixture>('../../../layers/src/__fixtures__/*.json', { eager: true, import: 'default' }));

beforeAll(async () => {
  registerBackend(tfjs({ backend: 'webgl' }));
  await setBackend('tfjs-webgl');
});

describe('tfjs-webgl in Chromium', () => {
  it('runs on WebGL2, and the LSTM steps run our custom programs', () => {
    expect(getBackend().name).toBe('tfjs-webgl');
    trainSteps(2, () => {});
    expect(tf.getBackend()).toBe('webgl');
    const cache = (tf.backend() as unknown as { binaryCache: Record<string, unknown> }).binaryCache;
    const ours = Object.keys(cache).filter((key) => key.includes('tanhSafe'));
    // Forward: (c, h) and gates; backward: dG and (dc_t, dc_{t−1}).
    expect(ours.length).toBeGreaterThanOrEqual(4);
  });

  // SwiftShader draws on the CPU: 1,000 steps take about 80 s alone and over 180 s beside the
  // node project on two cores, so this test has its own budget rather than fewer steps.
  it('1,000 training steps leave tfjs and core memory flat', { timeout: 600_000 }, () => {
    const seen = new Map<number, { core: MemoryInfo; tensors: number; bytes: number }>();
    trainSteps(1000, (step, core) => {
      if (step === 10 || step === 1000) seen.set(step, { core, tensors: tf.memory().numTensors, bytes: tf.memory().numBytes });
    });
    expect(seen.get(1000)).toEqual(seen.get(10));
  });
});

describePytorchFixtures('tfjs-webgl', fixtures, ['float32'], { float32: 1e-4, float64: 0 });
