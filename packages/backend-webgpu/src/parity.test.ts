import { cpu } from '@lstm/backend-cpu';
import { registerBackend, setBackend, type Tensor, tidy } from '@lstm/core';
import { CELL_CASES, caseName, makeProblem, normwiseError, type Problem, runBackward, runForward, toTensors } from '@lstm/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { webgpu } from './index.js';

// Every cell on WebGPU (float32, WGSL) against backend-cpu in float64 on the same float32 inputs:
// the hidden states, cells, gates and every gradient within 1e-5 (normwise relative), over a
// longer sequence than the conformance suite's, with ragged lengths, both directions.
const DIMS = { B: 5, T: 16, I: 6, H: 24 };
const LENGTHS = Int32Array.from([16, 9, 1, 13, 16]);

/** The problem's values rounded to float32, so both backends see the same inputs. */
function asFloat32(problem: Problem): Problem {
  const values = Object.fromEntries(Object.entries(problem.values).map(([name, v]) => [name, Float64Array.from(Float32Array.from(v))]));
  return { ...problem, values };
}

async function run(problem: Problem, dtype: 'float32' | 'float64', reverse: boolean): Promise<Record<string, Float64Array>> {
  const options = { reverse, lengths: LENGTHS, record: true };
  const outputs = tidy(() => {
    const t = toTensors(problem, dtype);
    const forward = runForward(problem, t, options);
    const grads = runBackward(problem, t, forward, options);
    const all: Record<string, Tensor> = {};
    for (const [name, value] of Object.entries({ ...forward, ...grads })) if (value) all[name] = value;
    return all;
  });
  const values: Record<string, Float64Array> = {};
  for (const [name, tensor] of Object.entries(outputs)) {
    values[name] = Float64Array.from(await tensor.read());
    tensor.dispose();
  }
  return values;
}

describe('backend-webgpu against backend-cpu float64', () => {
  beforeAll(() => {
    registerBackend(cpu({ name: 'cpu-parity' }));
    registerBackend(webgpu({ name: 'webgpu-parity' }));
  });
  for (const cellCase of CELL_CASES) {
    for (const reverse of [false, true]) {
      it(`${caseName(cellCase)}${reverse ? ', reversed' : ''}: states and gradients within 1e-5`, async () => {
        const problem = asFloat32(makeProblem(cellCase, DIMS, 23));
        await setBackend('cpu-parity');
        const expected = await run(problem, 'float64', reverse);
        await setBackend('webgpu-parity');
        const actual = await run(problem, 'float32', reverse);
        expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
        for (const [name, values] of Object.entries(expected)) {
          expect(normwiseError(actual[name]!, values), name).toBeLessThanOrEqual(1e-5);
        }
      });
    }
  }
});
