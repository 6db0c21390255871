/// <reference types="@webgpu/types" />
import { SPEC_VERSION, type Backend, type DType, type FloatArray, type KernelTable, ValueError } from '@lstm/core';
import { GpuContext, type GpuHandle, type GpuStats } from './context.js';
import { elementwiseKernels } from './kernels/elementwise.js';
import { layoutKernels } from './kernels/layout.js';
import { lstmForwardKernel } from './kernels/lstm.js';
import { lstmBackwardKernel } from './kernels/lstm-backward.js';
import { gruBackwardKernel, gruForwardKernel } from './kernels/gru.js';
import { rnnBackwardKernel, rnnForwardKernel } from './kernels/rnn.js';
import { matMulKernel } from './kernels/mat-mul.js';
import { reduceKernels } from './kernels/reduce.js';

export interface WebGpuBackendOptions {
  /** Leave out the fused kernels so core's reference compositions run over the primitives (testing). */
  fused?: boolean;
}

/** The backend over one device: handles are pooled storage buffers; every kernel records into the context's encoder. */
export function createWebGpuBackend(name: string, device: GPUDevice, description: string, options: WebGpuBackendOptions = {}): Backend {
  const ctx = new GpuContext(device, name);
  const fused: Partial<KernelTable> = {
    LstmForward: lstmForwardKernel(ctx),
    LstmBackward: lstmBackwardKernel(ctx),
    GruForward: gruForwardKernel(ctx),
    GruBackward: gruBackwardKernel(ctx),
    RnnForward: rnnForwardKernel(ctx),
    RnnBackward: rnnBackwardKernel(ctx),
  };
  const kernels: Partial<KernelTable> = {
    ...elementwiseKernels(ctx, name),
    ...layoutKernels(ctx),
    ...reduceKernels(ctx),
    MatMul: matMulKernel(ctx),
    ...(options.fused === false ? {} : fused),
  };
  // Every kernel first submits what is recorded when there is a lot of it (between kernels only:
  // a recurrent kernel's steps always go out in one submission).
  for (const [id, kernel] of Object.entries(kernels)) {
    const run = kernel as (...args: unknown[]) => unknown;
    (kernels as Record<string, unknown>)[id] = (...args: unknown[]) => {
      ctx.maybeSubmit();
      return run(...args);
    };
  }
  const handleOf = (handle: unknown): GpuHandle => handle as GpuHandle;
  const backend: Backend = {
    specVersion: SPEC_VERSION,
    name,
    capabilities: { readSync: false, dtypes: ['float32'], floatPrecision: 32 },
    write(values: FloatArray, dtype: DType): GpuHandle {
      if (dtype !== 'float32') throw new ValueError(`${name}: stores float32 only; use @lstm/backend-cpu for float64`);
      const buffer = ctx.allocate(values.length);
      ctx.write(buffer, values instanceof Float32Array ? values : Float32Array.from(values));
      return { buffer, size: values.length };
    },
    read: (handle) => ctx.read(handleOf(handle).buffer, handleOf(handle).size),
    disposeData: (handle) => ctx.release(handleOf(handle).buffer),
    kernels,
    destroy: () => ctx.destroy(),
  };
  contexts.set(backend, { ctx, description });
  return backend;
}

const contexts = new WeakMap<Backend, { ctx: GpuContext; description: string }>();

/** What a @lstm/backend-webgpu backend runs on, and its counters: reads, submissions, dispatches, buffers. */
export function webgpuStats(backend: Backend): GpuStats & { adapter: string } {
  const entry = contexts.get(backend);
  if (!entry) throw new ValueError(`webgpuStats: backend "${backend.name}" is not a @lstm/backend-webgpu backend`);
  return { ...entry.ctx.stats, adapter: entry.description };
}
