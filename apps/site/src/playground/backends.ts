import { getBackend, listBackends, registerBackend, setBackend } from '@lstm/core';
import type { BackendChoice } from './config.js';

/** The registry name of each choice on the page. */
export const REGISTERED: Record<BackendChoice, string> = { wasm: 'wasm', cpu: 'cpu', webgl: 'tfjs-webgl' };

/**
 * Registers (once) and selects a backend inside the worker. Each backend's code is fetched only
 * when it is chosen, so the page's first load carries none of TensorFlow.js. A backend this
 * browser lacks is refused in one line; the one in use stays selected.
 */
export async function useBackend(choice: BackendChoice): Promise<void> {
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
  try {
    await setBackend(name);
  } catch (error) {
    throw new Error(
      `the ${choice} backend failed to start here (${error instanceof Error ? error.message : String(error)}); choose another`,
    );
  }
}

/** The registry name of the backend in use, if any. */
export function currentBackend(): string | null {
  try {
    return getBackend().name;
  } catch {
    return null;
  }
}
