/**
 * TensorFlow.js backend for @lstm: WebGL in the browser, wasm and cpu in Node, with fused recurrent kernels and a custom WebGL gate program.
 * @packageDocumentation
 * @module @lstm/backend-tfjs
 */
import { BackendError, ValueError, type BackendFactory } from '@lstm/core';
import { createTfjsBackend, type TfjsBackendName, type TfjsBackendOptions } from './backend.js';
import { tf } from './tf.js';

export type { TfjsBackendName, TfjsBackendOptions } from './backend.js';

/** The TensorFlow.js backends, fastest first where each can run. */
export const TFJS_BACKENDS: readonly TfjsBackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** What each tfjs backend needs, and the package that brings it. */
const PACKAGES: Record<TfjsBackendName, string> = {
  cpu: '@tensorflow/tfjs-backend-cpu',
  wasm: '@tensorflow/tfjs-backend-wasm',
  webgl: '@tensorflow/tfjs-backend-webgl',
  webgpu: '@tensorflow/tfjs-backend-webgpu',
};

/** Loads the tfjs backend package (it registers itself with tfjs-core); why not, or null. */
async function load(backend: TfjsBackendName): Promise<string | null> {
  try {
    await importPackage(backend);
    return null;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return /cannot find|not found|failed to resolve|failed to fetch/i.test(message)
      ? `${PACKAGES[backend]} is not installed (npm install ${PACKAGES[backend]}@4.22.0)`
      : `${PACKAGES[backend]} failed to load: ${message.split('\n')[0]}`;
  }
}

async function importPackage(backend: TfjsBackendName): Promise<void> {
  switch (backend) {
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      return;
    case 'wasm':
      await import('@tensorflow/tfjs-backend-wasm');
      return;
    case 'webgl':
      await import('@tensorflow/tfjs-backend-webgl');
      return;
    case 'webgpu':
      // Not a dependency: used when the application installed it.
      await import(/* @vite-ignore */ PACKAGES.webgpu);
      return;
  }
}

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

/** Why a tfjs backend cannot run here, or null when it can (it is then initialised). */
async function problem(backend: TfjsBackendName): Promise<string | null> {
  const missing = await load(backend);
  if (missing !== null) return missing;
  if (tf.findBackendFactory(backend) === null) {
    return isNode ? `${backend} needs a browser; Node offers wasm and cpu` : `${backend} did not register in this environment`;
  }
  if (backend === 'webgl') tf.env().set('SOFTWARE_WEBGL_ENABLED', true);
  const previous = tf.getBackend();
  const ok = await tf.setBackend(backend).catch(() => false);
  if (previous && previous !== backend) await tf.setBackend(previous);
  if (!ok)
    return backend === 'webgpu' ? 'this browser offers no WebGPU adapter (Chrome: enable WebGPU)' : `${backend} failed to initialise here`;
  return null;
}

/** Each tfjs backend with whether it runs here and, if not, why (`lstm backends` prints this). */
export async function tfjsAvailability(): Promise<{ backend: TfjsBackendName; usable: boolean; why: string | null }[]> {
  const out = [];
  for (const backend of TFJS_BACKENDS) {
    const why = await problem(backend);
    out.push({ backend, usable: why === null, why });
  }
  return out;
}

/**
 * The TensorFlow.js backend: WebGL (and WebGPU) in the browser, wasm and cpu in Node and the
 * browser. float32 only. Registered under `tfjs-<backend>` unless named.
 * @example
 *   import { registerBackend, setBackend } from '@lstm/core';
 *   import { tfjs } from '@lstm/backend-tfjs';
 *   registerBackend(tfjs({ backend: 'wasm' }));
 *   await setBackend('tfjs-wasm');
 */
export function tfjs(options: TfjsBackendOptions & { name?: string; warnings?: boolean }): BackendFactory {
  const backend = options?.backend;
  if (!TFJS_BACKENDS.includes(backend)) {
    throw new ValueError(`tfjs: unknown backend '${String(backend)}'; choose one of ${TFJS_BACKENDS.join(', ')}`);
  }
  const name = options.name ?? `tfjs-${backend}`;
  return {
    name,
    priority: 0,
    async create() {
      // tfjs's production mode: no console hints (such as "install tfjs-node") in applications.
      if (options.warnings === false) tf.env().set('PROD', true);
      const why = await problem(backend);
      if (why !== null) {
        const usable = (await tfjsAvailability()).filter((a) => a.usable).map((a) => `tfjs-${a.backend}`);
        throw new BackendError(`${name}: ${why}; usable here: ${usable.join(', ') || 'none'}`);
      }
      return createTfjsBackend(name, options);
    },
  };
}
