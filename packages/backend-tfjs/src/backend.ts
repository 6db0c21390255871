import { BackendError, SPEC_VERSION, type Backend, type DType, type FloatArray, type KernelTable } from '@lstm/core';
import * as elementwise from './kernels/elementwise.js';
import * as fill from './kernels/fill.js';
import * as gather from './kernels/gather.js';
import { GruBackward } from './kernels/gru-backward.js';
import { GruForward } from './kernels/gru-forward.js';
import * as layout from './kernels/layout.js';
import { LstmBackward } from './kernels/lstm-backward.js';
import { LstmForward } from './kernels/lstm-forward.js';
import * as matMul from './kernels/mat-mul.js';
import * as reduce from './kernels/reduce.js';
import { RnnBackward } from './kernels/rnn-backward.js';
import { RnnForward } from './kernels/rnn-forward.js';
import { tf } from './tf.js';

/** The TensorFlow.js backends this package drives. */
export type TfjsBackendName = 'cpu' | 'wasm' | 'webgl' | 'webgpu';

export interface TfjsBackendOptions {
  /** Which TensorFlow.js backend runs the kernels. */
  backend: TfjsBackendName;
  /** Leave out the fused recurrent kernels so core's reference compositions run (testing). */
  fused?: boolean;
}

/** Every primitive kernel, one tfjs op each (each file exports kernels only, named by kernel id). */
const PRIMITIVES: Partial<KernelTable> = { ...elementwise, ...matMul, ...reduce, ...layout, ...gather, ...fill };

const FUSED: Partial<KernelTable> = { LstmForward, LstmBackward, GruForward, GruBackward, RnnForward, RnnBackward };

/** GPUs stall on a synchronous read; cpu and wasm answer it at once. */
const CHEAP_SYNC_READ: Record<TfjsBackendName, boolean> = { cpu: true, wasm: true, webgl: false, webgpu: false };

/**
 * The @lstm contract on an initialised TensorFlow.js backend. Handles are tfjs tensors owned by
 * this backend and disposed in `disposeData`; every call first makes `tfName` tfjs's active
 * backend (switching is synchronous once a backend is initialised), so several tfjs backends
 * can be registered side by side.
 */
export function createTfjsBackend(name: string, options: TfjsBackendOptions): Backend {
  const tfName = options.backend;
  const activate = () => {
    if (tf.getBackend() !== tfName) void tf.setBackend(tfName);
  };
  const kernels: Record<string, unknown> = {};
  for (const [id, kernel] of Object.entries({ ...PRIMITIVES, ...(options.fused === false ? {} : FUSED) })) {
    const run = kernel as (inputs: unknown, attrs: unknown) => unknown;
    kernels[id] = (inputs: unknown, attrs: unknown) => {
      activate();
      return run(inputs, attrs);
    };
  }
  const float32 = (dtype: DType) => {
    if (dtype !== 'float32') throw new BackendError(`backend '${name}' stores float32 only; use float32, or @lstm/backend-cpu for float64`);
  };
  return {
    specVersion: SPEC_VERSION,
    name,
    capabilities: { readSync: CHEAP_SYNC_READ[tfName], dtypes: ['float32'], floatPrecision: 32 },
    write(values: FloatArray, dtype: DType, writeOptions?: { transfer?: boolean }) {
      float32(dtype);
      activate();
      // tfjs may keep the array it is given: copy unless core hands it over.
      const owned = values instanceof Float32Array ? (writeOptions?.transfer ? values : values.slice()) : Float32Array.from(values);
      return tf.tensor1d(owned, 'float32');
    },
    async read(handle) {
      return Float32Array.from((await (handle as tf.Tensor).data()) as Float32Array);
    },
    readSync(handle) {
      return Float32Array.from((handle as tf.Tensor).dataSync() as Float32Array);
    },
    disposeData(handle) {
      (handle as tf.Tensor).dispose();
    },
    kernels: kernels as Partial<KernelTable>,
  };
}
