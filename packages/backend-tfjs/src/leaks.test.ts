import { registerBackend, setBackend, type MemoryInfo } from '@lstm/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { trainSteps } from '../../tasks/src/leak.test-helper.js';
import { tfjs } from './index.js';

describe('no leaks over 1,000 training steps', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`tfjs-${backend}: tfjs's live tensors and bytes, and core's memory(), stay flat`, async () => {
      registerBackend(tfjs({ backend }));
      await setBackend(`tfjs-${backend}`);
      const seen = new Map<number, { core: MemoryInfo; tensors: number; bytes: number }>();
      trainSteps(1000, (step, core) => {
        if (step === 10 || step === 1000) seen.set(step, { core, tensors: tf.memory().numTensors, bytes: tf.memory().numBytes });
      });
      expect(seen.get(1000)).toEqual(seen.get(10));
      expect(seen.get(10)!.tensors).toBeGreaterThan(0);
    });
  }
});
