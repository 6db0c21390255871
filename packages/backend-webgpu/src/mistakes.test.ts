import { cpu } from '@lstm/backend-cpu';
import { fill, getBackend, registerBackend, setBackend, tensor } from '@lstm/core';
import { SequenceModel } from '@lstm/layers';
import { Adam } from '@lstm/optim';
import { Trainer, firstLast } from '@lstm/tasks';
import { describe, expect, it } from 'vitest';
import { webgpu, webgpuAvailability, webgpuStats } from './index.js';

describe('backend-webgpu: mistakes get one clear line', () => {
  it('refuses an unknown option, float64 data, and a tensor over the adapter’s storage limit', async () => {
    expect(() => webgpu({ name: 'webgpu-x', fuse: false } as never)).toThrow(/unknown option 'fuse'/);
    registerBackend(webgpu({ name: 'webgpu-mistakes' }));
    await setBackend('webgpu-mistakes');
    expect(() => tensor([1, 2], [2], 'float64')).toThrow(/stores float32 only/);
    const availability = await webgpuAvailability();
    expect(availability.available).toBe(true);
    // One value past the largest storage binding this device allows: refused before any allocation.
    const before = webgpuStats(getBackend()).liveBytes;
    const { maxStorageBufferBindingSize } = await adapterLimits();
    expect(() => fill([maxStorageBufferBindingSize / 4 + 1], 0)).toThrow(
      /over this adapter's \d+-byte storage binding limit; use smaller batches/,
    );
    expect(webgpuStats(getBackend()).liveBytes).toBe(before);
  });

  it('a device lost mid-training stops the run with one line, the last finished epoch kept on the host', async () => {
    registerBackend(webgpu({ name: 'webgpu-lost' }));
    const backend = await setBackend('webgpu-lost');
    const task = firstLast({ steps: 4, trainSize: 64, validationSize: 16, testSize: 16, seed: 3 });
    const model = new SequenceModel({ inputSize: 1, hiddenSize: 4, outputSize: 4, seed: 3 });
    let afterEpoch1: Record<string, number[]> = {};
    const trainer = new Trainer(model, task, {
      epochs: 3,
      batchSize: 16,
      optimizer: new Adam(model.parameters()),
      onEpoch: (record) => {
        if (record.epoch === 1) afterEpoch1 = Object.fromEntries(model.parameters().map((p) => [p.name, p.value.toArray()]));
      },
      onProgress: (p) => {
        if (p.epoch === 2 && p.batch === 2) backend.destroy?.();
      },
    });
    const error = await trainer.fit().then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error?.name).toBe('BackendError');
    expect(error?.message).toMatch(/^webgpu-lost: the GPU device was lost \(.+\); create the backend again$/);
    expect(trainer.epochsDone).toBe(1);
    expect(Object.keys(afterEpoch1)).toHaveLength(model.parameters().length);
    for (const [name, values] of Object.entries(trainer.best!.weights)) expect(Array.from(values)).toEqual(afterEpoch1[name]);
  });

  it('says which backend is not a WebGPU one', async () => {
    registerBackend(cpu({ name: 'cpu-not-webgpu' }));
    const backend = await setBackend('cpu-not-webgpu');
    expect(() => webgpuStats(backend)).toThrow(/backend "cpu-not-webgpu" is not a @lstm\/backend-webgpu backend/);
  });
});

async function adapterLimits(): Promise<{ maxStorageBufferBindingSize: number }> {
  const { findAdapter } = await import('./adapter.js');
  const found = await findAdapter();
  if (!found.ok) throw new Error(found.reason);
  return { maxStorageBufferBindingSize: found.adapter.limits.maxStorageBufferBindingSize };
}
