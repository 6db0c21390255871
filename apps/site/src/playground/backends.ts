import { getBackend, listBackends, prefetch, registerBackend, setBackend } from '@lstm/core';
import { decodeModel, encodeModel, type SequenceModel } from '@lstm/layers';
import type { BackendChoice } from './config.js';

/** A backend the page names itself ('auto' is resolved to one of them first). */
export type ConcreteChoice = Exclude<BackendChoice, 'auto'>;

/** The registry name of each choice on the page. */
export const REGISTERED: Record<ConcreteChoice, string> = { wasm: 'wasm', cpu: 'cpu', webgl: 'tfjs-webgl', webgpu: 'webgpu' };

/**
 * Registers a backend inside the worker (once) and returns its registry name, selecting nothing.
 * Each backend's code is fetched only when it is chosen, so the page's first load carries none of
 * TensorFlow.js. A backend this browser lacks is refused in one line.
 */
export async function registerChoice(choice: ConcreteChoice): Promise<string> {
  const name = REGISTERED[choice];
  if (!listBackends().includes(name)) {
    switch (choice) {
      case 'cpu': {
        const { cpu } = await import('@lstm/backend-cpu');
        registerBackend(cpu());
        break;
      }
      case 'wasm': {
        const { wasm, wasmAvailability } = await import('@lstm/backend-wasm');
        if (!(await wasmAvailability()).simd) throw new Error('this browser has no WebAssembly SIMD; choose cpu');
        registerBackend(wasm());
        break;
      }
      case 'webgpu': {
        const { webgpu, webgpuAvailability } = await import('@lstm/backend-webgpu');
        const found = await webgpuAvailability();
        if (!found.available) throw new Error(`${found.reason}; choose wasm or cpu`);
        registerBackend(webgpu());
        break;
      }
      case 'webgl': {
        if (typeof OffscreenCanvas === 'undefined' || !new OffscreenCanvas(1, 1).getContext('webgl2'))
          throw new Error('this browser offers no WebGL2 to workers (OffscreenCanvas); choose wasm or cpu');
        const { tfjs } = await import('@lstm/backend-tfjs');
        await import('@tensorflow/tfjs-backend-webgl');
        registerBackend(tfjs({ backend: 'webgl', warnings: false }));
        break;
      }
    }
  }
  return name;
}

/** Runs `select` (which makes the backend active), turning a failure to start into one line. */
export async function starting<T>(choice: ConcreteChoice, select: () => Promise<T>): Promise<T> {
  try {
    return await select();
  } catch (error) {
    throw new Error(
      `the ${choice} backend failed to start here (${error instanceof Error ? error.message : String(error)}); choose another`,
    );
  }
}

/** Registers and selects a backend (for a new run: nothing to move). */
export async function useBackend(choice: ConcreteChoice): Promise<void> {
  const name = await registerChoice(choice);
  await starting(choice, () => setBackend(name));
}

/** The registry name of the backend in use, if any. */
export function currentBackend(): string | null {
  try {
    return getBackend().name;
  } catch {
    return null;
  }
}

/**
 * Runs code that reads the device synchronously (the x-ray, sampling, saliency) on `model`
 * where its backend can, else on a CPU copy of it — the weights as they are now, read in one
 * round trip — then puts the backend back. The numbers are the CPU's: the same to float32 round-off.
 */
export async function onHost<T>(model: SequenceModel, read: (model: SequenceModel) => T): Promise<T> {
  const backend = getBackend();
  if (backend.readSync) return read(model);
  await prefetch(model.parameters().map((p) => p.value));
  const bytes = encodeModel(model, {}, 'host copy');
  await useBackend('cpu');
  const copy = decodeModel(bytes).model;
  try {
    return read(copy);
  } finally {
    for (const p of copy.parameters()) p.value.dispose();
    await setBackend(backend.name);
  }
}
