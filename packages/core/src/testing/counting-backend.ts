import type { Backend, BackendFactory } from '../backend.js';

/**
 * A backend wrapped so that every device→host read (`read` and `readSync`) is counted: the
 * measure behind "a training step reads the device once", for any backend.
 * @example
 *   const counting = countingBackend(cpu(), 'counting-cpu');
 *   registerBackend(counting); await setBackend('counting-cpu'); … counting.reads()
 */
export function countingBackend(inner: BackendFactory, name: string): BackendFactory & { reads: () => number } {
  let reads = 0;
  return {
    name,
    priority: 0,
    reads: () => reads,
    async create(): Promise<Backend> {
      const backend = await inner.create();
      const readSync = backend.readSync;
      return {
        ...backend,
        name,
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
