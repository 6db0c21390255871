import type { Backend, BackendFactory } from './backend.js';
import { engine, type EngineOptions, type MemoryInfo } from './engine.js';
import { BackendError } from './errors.js';
import type { Tensor } from './tensor.js';

/**
 * Makes a backend available under its factory's name. Registering a name again replaces it.
 * Until `setBackend` chooses, the first op uses the registered backend of highest priority.
 * @example
 * ```ts
 * import { registerBackend, setBackend, getBackend } from '@lstm/core';
 * import { cpu } from '@lstm/backend-cpu';
 * import { wasm } from '@lstm/backend-wasm';
 *
 * registerBackend(cpu());
 * registerBackend(wasm({ threads: 2 }));
 * await setBackend('wasm'); // creation is async (compiles the module, starts the threads)
 * getBackend().name; // 'wasm'
 * ```
 */
export function registerBackend(factory: BackendFactory): void {
  engine.register(factory);
}

/** Names of the registered backends. */
export function listBackends(): string[] {
  return [...engine.factories.keys()];
}

/**
 * Makes `name` the active backend, creating it on first use. Tensors created on the previous
 * backend move on first use if it reads synchronously (CPU); otherwise `await tensor.to(name)`.
 * @example await setBackend('cpu')
 */
export function setBackend(name: string): Promise<Backend> {
  return engine.setBackend(name);
}

/** `setBackend` for backends whose factory creates synchronously (the CPU backend). */
export function setBackendSync(name: string): Backend {
  return engine.setBackendSync(name);
}

/** The active backend; the highest-priority registered one if none was set. */
export function getBackend(): Backend {
  return engine.backend();
}

/**
 * Moves tensors to another registered backend (creating it on first use), all or nothing: the
 * target must store every tensor's dtype, checked before anything moves. Then
 * `await setBackend(name)` to compute there.
 * @example await moveTensors(model.parameters().map((p) => p.value), 'tfjs-wasm')
 */
export async function moveTensors(tensors: readonly Tensor[], name: string): Promise<void> {
  const target = await engine.backendByName(name);
  const unsupported = tensors.find((t) => !target.capabilities.dtypes.includes(t.dtype));
  if (unsupported) {
    throw new BackendError(
      `cannot move a ${unsupported.dtype} tensor to backend '${name}', which stores ${target.capabilities.dtypes.join(' and ')} only; keep ${unsupported.dtype} models on a backend that stores it (@lstm/backend-cpu) or build them in float32`,
    );
  }
  for (const tensor of tensors) await tensor.to(name);
}

/**
 * Reads tensors that live on a backend without synchronous reads (WebGPU) into host memory, all
 * in one round trip, so that `readSync()` then works on them — for code that reads on the host
 * synchronously (saving a model file, a checkpoint, a metrics tally) after one `await`. Tensors
 * never change, so the copies stay exact; each goes with its tensor's storage. A no-op for
 * tensors on backends that read synchronously (they need no copy).
 * @example await prefetch(model.parameters().map((p) => p.value)); encodeModel(model, meta, version)
 */
export async function prefetch(tensors: Iterable<Tensor>): Promise<void> {
  const all = [...tensors];
  for (const t of all) t.assertLive('prefetch');
  const pending = [...new Set(all.map((t) => t.data))].filter((data) => !data.host && !data.backend.capabilities.readSync);
  const values = await Promise.all(pending.map((data) => data.backend.read(data.handle)));
  pending.forEach((data, i) => {
    data.host = values[i];
  });
}

/** Unregisters a backend and releases its resources (worker threads, contexts). */
export function removeBackend(name: string): Promise<void> {
  return engine.removeBackend(name);
}

/**
 * Runs `fn` and disposes every tensor it created except those it returns (anywhere inside
 * arrays or plain objects) and those passed to `keep()`. Synchronous work only.
 */
export function tidy<T>(fn: () => T): T {
  return engine.tidy(fn);
}

/** Exempts a tensor from the enclosing `tidy` scopes; the caller then owns it. */
export function keep<T extends Tensor>(tensor: T): T {
  return engine.keep(tensor);
}

/** Disposes every tensor found in `value` (a tensor, an array or an object of them). */
export function dispose(value: unknown): void {
  if (value === null || typeof value !== 'object') return;
  if ('dispose' in value && typeof value.dispose === 'function' && 'shape' in value) {
    (value as Tensor).dispose();
    return;
  }
  for (const item of Array.isArray(value) ? value : Object.values(value)) dispose(item);
}

/** Live tensors and buffers (leak checks). */
export function memory(): MemoryInfo {
  return engine.memory();
}

/** Global switches: `checkFinite` (input validation), `debug` (log backend moves). */
export function configure(options: Partial<EngineOptions>): EngineOptions {
  engine.options = { ...engine.options, ...options };
  return engine.options;
}
