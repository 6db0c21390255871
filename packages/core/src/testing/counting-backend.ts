import type { Backend, BackendFactory } from '../backend.js';

/**
 * A backend wrapped so that every device→host read (`read` and `readSync`) is counted: the
 * measure behind "a training step reads the device once", for any backend. With
 * `asyncReads: true` it also drops synchronous reads, as a GPU has none: the same kernels then
 * exercise the code paths written for WebGPU, on any machine.
 * @example
 *   const counting = countingBackend(cpu(), 'counting-cpu');
 *   registerBackend(counting); await setBackend('counting-cpu'); … counting.reads()
 */
export function countingBackend(
  inner: BackendFactory,
  name: string,
  { asyncReads = false } = {},
): BackendFactory & { reads: () => number } {
  let reads = 0;
  return {
    name,
    priority: 0,
    reads: () => reads,
    async create(): Promise<Backend> {
      const backend = await inner.create();
      const readSync = asyncReads ? undefined : backend.readSync;
      const { readSync: _dropped, ...rest } = backend;
      return {
        ...rest,
        name,
        capabilities: { ...backend.capabilities, readSync: !asyncReads && backend.capabilities.readSync },
        read: (handle) => {
          reads++;
          return backend.read(handle);
        },
        ...(readSync
          ? {
              readSync: (handle: unknown) => {
                reads++;
                return readSync(handle);
              },
            }
          : {}),
      };
    },
  };
}
