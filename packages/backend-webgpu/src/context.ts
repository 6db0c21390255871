/// <reference types="@webgpu/types" />
import { BackendError, ValueError } from '@lstm/core';

/** A tensor's storage: one storage buffer (pooled) holding `size` float32 values. */
export interface GpuHandle {
  readonly buffer: GPUBuffer;
  readonly size: number;
}

/** One compute dispatch: a program, its uniforms, the buffers it reads and writes, its grid. */
export interface Dispatch {
  /** Identifies the program; `code` is only called the first time a key is seen. */
  key: string;
  code: () => string;
  /** Values of the program's `Params` struct (u32 or f32 bits), or none. */
  params?: Uint32Array;
  inputs: readonly GPUBuffer[];
  outputs: readonly GPUBuffer[];
  workgroups: readonly [number, number?, number?];
}

/** What the context counts: device→host reads, queue submissions, dispatches, and the memory it holds. */
export interface GpuStats {
  reads: number;
  submits: number;
  dispatches: number;
  pipelines: number;
  liveBuffers: number;
  liveBytes: number;
  pooledBytes: number;
}

const UNIFORM_SLOT = 256; // minUniformBufferOffsetAlignment's largest allowed value
const UNIFORM_SLOTS = 1024;
const FLUSH_AFTER = 512; // dispatches recorded before a submit, checked between kernels
const USAGE = 0x80 | 0x4 | 0x8; // STORAGE | COPY_SRC | COPY_DST

/** Bytes of a buffer for `size` float32 values: a multiple of 16, never 0 (empty tensors still bind). */
export function bytesFor(size: number): number {
  return Math.max(16, Math.ceil((size * 4) / 16) * 16);
}

/**
 * The device and everything shared by the kernels: one command encoder that kernels record into
 * (submitted on a read, or between kernels once it holds `FLUSH_AFTER` dispatches), compiled
 * pipelines by key, storage buffers pooled by size, and uniform values in slots of one arena
 * buffer. A buffer freed while recorded work may still use it returns to the pool only after
 * that work is submitted, so a later write never lands before an earlier read.
 */
export class GpuContext {
  readonly #pipelines = new Map<string, GPUComputePipeline>();
  readonly #pool = new Map<number, GPUBuffer[]>();
  readonly #staging = new Map<number, GPUBuffer[]>();
  #freedSinceSubmit: GPUBuffer[] = [];
  #encoder: GPUCommandEncoder | null = null;
  #pass: GPUComputePassEncoder | null = null;
  #recorded = 0;
  readonly #uniforms: GPUBuffer;
  #uniformSlot = 0;
  readonly stats: GpuStats = { reads: 0, submits: 0, dispatches: 0, pipelines: 0, liveBuffers: 0, liveBytes: 0, pooledBytes: 0 };
  #lost: string | null = null;
  #error: string | null = null;

  constructor(
    readonly device: GPUDevice,
    readonly name: string,
  ) {
    this.#uniforms = device.createBuffer({ size: UNIFORM_SLOT * UNIFORM_SLOTS, usage: 0x40 | 0x8 }); // UNIFORM | COPY_DST
    device.lost.then((info) => {
      this.#lost = info.message || info.reason;
    });
    // A program that fails to compile or a dispatch that fails validation records nothing: the
    // first such error is kept and the next read fails with it, never returning stale values.
    device.addEventListener('uncapturederror', (event) => {
      this.#error ??= (event as GPUUncapturedErrorEvent).error.message;
    });
  }

  /** A storage buffer for `size` float32 values, from the pool when one of that size is free. */
  allocate(size: number): GPUBuffer {
    this.#assertAlive();
    const bytes = bytesFor(size);
    if (bytes > this.device.limits.maxStorageBufferBindingSize) {
      throw new ValueError(
        `${this.name}: a tensor of ${size} values needs ${bytes} bytes, over this adapter's ${this.device.limits.maxStorageBufferBindingSize}-byte storage binding limit; use smaller batches or another backend`,
      );
    }
    const pooled = this.#pool.get(bytes)?.pop();
    if (pooled) this.stats.pooledBytes -= bytes;
    const buffer = pooled ?? this.device.createBuffer({ size: bytes, usage: USAGE });
    this.stats.liveBuffers++;
    this.stats.liveBytes += bytes;
    return buffer;
  }

  /** Returns a buffer to the pool once the work recorded so far is submitted. */
  release(buffer: GPUBuffer): void {
    this.stats.liveBuffers--;
    this.stats.liveBytes -= buffer.size;
    this.#freedSinceSubmit.push(buffer);
  }

  write(buffer: GPUBuffer, values: Float32Array | Uint32Array | Int32Array): void {
    if (values.byteLength > 0) this.device.queue.writeBuffer(buffer, 0, values.buffer, values.byteOffset, values.byteLength);
  }

  /** Records one dispatch into the open compute pass. */
  dispatch({ key, code, params, inputs, outputs, workgroups }: Dispatch): void {
    this.#assertAlive();
    const pipeline = this.#pipeline(key, code);
    const entries: GPUBindGroupEntry[] = [];
    if (params) {
      if (this.#uniformSlot === UNIFORM_SLOTS) this.submit();
      const offset = this.#uniformSlot++ * UNIFORM_SLOT;
      this.device.queue.writeBuffer(this.#uniforms, offset, params.buffer, params.byteOffset, params.byteLength);
      entries.push({ binding: 0, resource: { buffer: this.#uniforms, offset, size: Math.max(16, params.byteLength) } });
    }
    for (const buffer of [...inputs, ...outputs]) entries.push({ binding: entries.length, resource: { buffer } });
    const group = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    const pass = this.#openPass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(workgroups[0], workgroups[1] ?? 1, workgroups[2] ?? 1);
    this.#recorded++;
    this.stats.dispatches++;
  }

  /** Submits the recorded work when there is a lot of it; kernels call this before they record. */
  maybeSubmit(): void {
    if (this.#recorded >= FLUSH_AFTER) this.submit();
  }

  /** Submits everything recorded; freed buffers become reusable. */
  submit(): void {
    if (this.#pass) this.#pass.end();
    if (this.#encoder) {
      this.device.queue.submit([this.#encoder.finish()]);
      this.stats.submits++;
    }
    this.#pass = null;
    this.#encoder = null;
    this.#recorded = 0;
    this.#uniformSlot = 0;
    for (const buffer of this.#freedSinceSubmit) {
      const list = this.#pool.get(buffer.size) ?? [];
      list.push(buffer);
      this.#pool.set(buffer.size, list);
      this.stats.pooledBytes += buffer.size;
    }
    this.#freedSinceSubmit = [];
  }

  /** Copies `size` values back to the host: submits what is recorded, then one mapped read. */
  async read(buffer: GPUBuffer, size: number): Promise<Float32Array> {
    this.#assertAlive();
    this.stats.reads++;
    if (size === 0) return new Float32Array(0);
    const bytes = bytesFor(size);
    const staging = this.#staging.get(bytes)?.pop() ?? this.device.createBuffer({ size: bytes, usage: 0x1 | 0x8 }); // MAP_READ | COPY_DST
    this.#openEncoder();
    this.#pass?.end();
    this.#pass = null;
    this.#encoder!.copyBufferToBuffer(buffer, 0, staging, 0, bytes);
    this.submit();
    try {
      await staging.mapAsync(0x1); // GPUMapMode.READ
    } catch (error) {
      // A device lost mid-run fails the mapping; its reason arrives on device.lost soon after.
      const reason = this.#lost ?? (await Promise.race([this.device.lost.then((info) => info.message || info.reason), sleep(250)]));
      if (reason) throw new BackendError(lostMessage(this.name, reason));
      throw new BackendError(`${this.name}: reading from the GPU failed (${error instanceof Error ? error.message : String(error)})`);
    }
    if (this.#error !== null) {
      staging.unmap();
      throw new BackendError(
        `${this.name}: a GPU program failed (${this.#error.split('\n')[0]}); this is a bug in @lstm/backend-webgpu, please report it`,
      );
    }
    const values = new Float32Array(staging.getMappedRange(0, size * 4).slice(0));
    staging.unmap();
    const list = this.#staging.get(bytes) ?? [];
    list.push(staging);
    this.#staging.set(bytes, list);
    return values;
  }

  /** Frees the pooled buffers (live ones stay with their tensors). */
  trim(): void {
    this.submit();
    for (const list of [...this.#pool.values(), ...this.#staging.values()]) for (const buffer of list) buffer.destroy();
    this.#pool.clear();
    this.#staging.clear();
    this.stats.pooledBytes = 0;
  }

  destroy(): void {
    this.trim();
    this.#uniforms.destroy();
    this.device.destroy();
  }

  #pipeline(key: string, code: () => string): GPUComputePipeline {
    let pipeline = this.#pipelines.get(key);
    if (!pipeline) {
      const module = this.device.createShaderModule({ code: code(), label: key });
      pipeline = this.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' }, label: key });
      this.#pipelines.set(key, pipeline);
      this.stats.pipelines++;
    }
    return pipeline;
  }

  #openEncoder(): GPUCommandEncoder {
    this.#encoder ??= this.device.createCommandEncoder();
    return this.#encoder;
  }

  #openPass(): GPUComputePassEncoder {
    this.#pass ??= this.#openEncoder().beginComputePass();
    return this.#pass;
  }

  #assertAlive(): void {
    if (this.#lost !== null) throw new BackendError(lostMessage(this.name, this.#lost));
  }
}

const lostMessage = (name: string, reason: string) => `${name}: the GPU device was lost (${reason}); create the backend again`;

const sleep = (ms: number) => new Promise<null>((resolve) => setTimeout(() => resolve(null), ms));
