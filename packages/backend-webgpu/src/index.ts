/// <reference types="@webgpu/types" />
/**
 * WebGPU backend for @lstm: WGSL kernels, tiled matrix products and device-resident training, in
 * the browser (navigator.gpu) and in Node (Dawn, the webgpu package).
 * @packageDocumentation
 * @module @lstm/backend-webgpu
 */
import { type BackendFactory, ValueError, assertKnownOptions } from '@lstm/core';
import { findAdapter } from './adapter.js';
import { createWebGpuBackend, type WebGpuBackendOptions } from './backend.js';

export type { WebGpuBackendOptions } from './backend.js';
export { webgpuStats } from './backend.js';
export type { GpuStats } from './context.js';

/** Whether WebGPU runs here, on which adapter (software emulation said so), or why not. */
export async function webgpuAvailability(): Promise<
  { available: true; adapter: string; software: boolean } | { available: false; reason: string }
> {
  const found = await findAdapter();
  return found.ok ? { available: true, adapter: found.description, software: found.software } : { available: false, reason: found.reason };
}

/**
 * The WebGPU backend: every kernel a WGSL program recorded into one command encoder, reads
 * asynchronous (`await tensor.read()`; there is no synchronous read on a GPU). In Node it runs on
 * Dawn through the `webgpu` package. Creation is asynchronous: `await setBackend('webgpu')`.
 * @example
 *   import { registerBackend, setBackend } from '@lstm/core';
 *   import { webgpu } from '@lstm/backend-webgpu';
 *   registerBackend(webgpu());
 *   await setBackend('webgpu');
 */
export function webgpu(options: WebGpuBackendOptions & { name?: string } = {}): BackendFactory {
  const name = options.name ?? 'webgpu';
  assertKnownOptions(name, options, ['name', 'fused']);
  return {
    name,
    priority: 0, // never picked implicitly: code that reads synchronously (evaluate(), predict) needs the others
    async create() {
      const found = await findAdapter();
      if (!found.ok) throw new ValueError(`${name}: ${found.reason}`);
      const { adapter } = found;
      // The adapter's own limits, not the defaults: large storage bindings and more buffers per kernel.
      const device = await adapter.requestDevice({
        requiredLimits: {
          maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
          maxBufferSize: adapter.limits.maxBufferSize,
          maxStorageBuffersPerShaderStage: adapter.limits.maxStorageBuffersPerShaderStage,
          maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
        },
      });
      return createWebGpuBackend(name, device, found.description, options);
    },
  };
}
