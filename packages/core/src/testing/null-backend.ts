import { SPEC_VERSION, type Backend, type BackendFactory } from '../backend.js';
import type { DType, FloatArray } from '../dtype.js';
import type { KernelTable, TensorInfo } from '../kernel-names.js';
import { REQUIRED_KERNELS } from '../kernel-names.js';

export interface NullBackendStats {
  /** Handles written or produced and not yet disposed. */
  live: Set<number>;
  disposed: number;
}

/**
 * A backend that stores nothing and computes nothing (tinygrad's NULL device): every kernel
 * returns a fresh handle of the right shape. It tests the registry, lifetimes and swapping.
 * `readSync: false` also exercises the async-only path.
 */
export function nullBackend(name = 'null', options: { readSync?: boolean } = {}): BackendFactory & { stats: NullBackendStats } {
  const stats: NullBackendStats = { live: new Set(), disposed: 0 };
  let next = 0;
  const fresh = (): number => {
    const id = next++;
    stats.live.add(id);
    return id;
  };
  const sizes = new Map<number, { size: number; dtype: DType }>();
  const produce = (shape: readonly number[], dtype: DType): TensorInfo => {
    const handle = fresh();
    sizes.set(handle, { size: shape.reduce((p, d) => p * d, 1), dtype });
    return { handle, shape, dtype };
  };
  const kernels: Partial<KernelTable> = {};
  for (const kernel of REQUIRED_KERNELS) {
    (kernels as Record<string, unknown>)[kernel] = (inputs: Record<string, TensorInfo | TensorInfo[]>, attrs: Record<string, unknown>) => {
      const first = Object.values(inputs).flat()[0];
      const shape = (attrs.outShape ?? attrs.shape ?? first?.shape ?? []) as number[];
      return produce(shape, (attrs.dtype as DType | undefined) ?? first?.dtype ?? 'float32');
    };
  }
  const read = (handle: unknown): FloatArray => {
    const entry = sizes.get(handle as number)!;
    return entry.dtype === 'float64' ? new Float64Array(entry.size) : new Float32Array(entry.size);
  };
  const backend: Backend = {
    specVersion: SPEC_VERSION,
    name,
    capabilities: { readSync: options.readSync ?? false, dtypes: ['float32', 'float64'], floatPrecision: 32 },
    write(values, dtype) {
      const handle = fresh();
      sizes.set(handle, { size: values.length, dtype });
      return handle;
    },
    read: (handle) => Promise.resolve(read(handle)),
    ...(options.readSync ? { readSync: read } : {}),
    disposeData(handle) {
      if (!stats.live.delete(handle as number)) throw new Error(`null backend: handle ${String(handle)} disposed twice`);
      stats.disposed++;
    },
    kernels,
  };
  return { name, priority: 0, create: () => backend, stats };
}
