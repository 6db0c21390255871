import { getBackend, type MemoryInfo, registerBackend, setBackend } from '@lstm/core';
import { describe, expect, it } from 'vitest';
import { trainStepsAsync } from '../../tasks/src/leak.test-helper.js';
import { webgpu, webgpuStats } from './index.js';

describe('backend-webgpu over 1,000 training steps', () => {
  it('keeps GPU memory flat, reads once per step, and learns', async () => {
    registerBackend(webgpu({ name: 'webgpu-leaks' }));
    await setBackend('webgpu-leaks');
    const backend = getBackend();
    const seen = new Map<number, { core: MemoryInfo; liveBytes: number; pooledBytes: number; reads: number; loss: number }>();
    await trainStepsAsync(
      1000,
      (step, core, loss) => {
        if (step === 10 || step === 1000) {
          const { liveBytes, pooledBytes, reads } = webgpuStats(backend);
          seen.set(step, { core, liveBytes, pooledBytes, reads, loss });
        }
      },
      1,
    );
    const early = seen.get(10)!;
    const late = seen.get(1000)!;
    expect(late.core).toEqual(early.core);
    expect(late.liveBytes).toBe(early.liveBytes);
    expect(late.pooledBytes).toBe(early.pooledBytes);
    expect(early.liveBytes).toBeGreaterThan(0);
    expect(late.reads - early.reads).toBe(990); // the step's summary, nothing else
    expect(late.loss).toBeLessThan(early.loss / 2);
  }, 600_000);
});
