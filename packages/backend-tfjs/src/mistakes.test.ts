import { BackendError, ValueError, registerBackend, setBackend, tensor } from '@lstm/core';
import { describe, expect, it } from 'vitest';
import { tfjs, tfjsAvailability } from './index.js';

describe('backend-tfjs refuses what it cannot do, in one line', () => {
  it('an unknown tfjs backend', () => {
    expect(() => tfjs({ backend: 'metal' as 'cpu' })).toThrow(ValueError);
    expect(() => tfjs({ backend: 'metal' as 'cpu' })).toThrow(/^tfjs: unknown backend 'metal'; choose one of webgpu, webgl, wasm, cpu$/);
  });

  it('WebGL (and WebGPU) in Node, naming what is usable here', async () => {
    registerBackend(tfjs({ backend: 'webgl' }));
    const error = await setBackend('tfjs-webgl').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as Error).message).toBe('tfjs-webgl: webgl needs a browser; Node offers wasm and cpu; usable here: tfjs-wasm, tfjs-cpu');
    const available = await tfjsAvailability();
    expect(available.filter((a) => a.usable).map((a) => a.backend)).toEqual(['wasm', 'cpu']);
    expect(available.find((a) => a.backend === 'webgpu')!.why).toMatch(/tfjs-backend-webgpu is not installed/);
  });

  it('float64 data, naming the backend that stores it', async () => {
    registerBackend(tfjs({ backend: 'cpu' }));
    await setBackend('tfjs-cpu');
    expect(() => tensor([1, 2], [2], 'float64')).toThrow(BackendError);
    expect(() => tensor([1, 2], [2], 'float64')).toThrow(
      /^backend 'tfjs-cpu' stores float32 only, not float64; use float32, or a backend that stores float64 \(@lstm\/backend-cpu/,
    );
  });
});
