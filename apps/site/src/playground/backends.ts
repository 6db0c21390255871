import { getBackend, listBackends, registerBackend, setBackend } from '@lstm/core';
import type { BackendChoice } from './config.js';

/** The registry name of each choice on the page. */
export const REGISTERED: Record<BackendChoice, string> = { wasm: 'wasm', cpu: 'cpu', webgl: 'tfjs-webgl' };

/**
 * Registers a backend inside the worker (once) and returns its registry name, selecting nothing.
 * Each backend's code is fetched only when it is chosen, so the page's first load carries none of
 * TensorFlow.js. A backend this browser lacks is refused in one line.
 */
export async function registerChoice(choice: BackendChoice): Promise<string> {
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
export async function starting<T>(choice: BackendChoice, select: () => Promise<T>): Promise<T> {
  try {
    return await select();
  } catch (error) {
    throw new Error(
      `the ${choice} backend failed to start here (${error instanceof Error ? error.message : String(error)}); choose another`,
    );
  }
}

/** Registers and selects a backend (for a new run: nothing to move). */
export async function useBackend(choice: BackendChoice): Promise<void> {
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
