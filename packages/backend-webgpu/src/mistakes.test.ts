import { cpu } from '@lstm/backend-cpu';
import { fill, getBackend, registerBackend, setBackend, tensor } from '@lstm/core';
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
