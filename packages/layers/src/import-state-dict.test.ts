import { readFileSync, readdirSync } from 'node:fs';
import { tensor, tidy } from '@lstm/core';
import { normwiseError } from '@lstm/core/testing';
import { describe, expect, it } from 'vitest';
import { importStateDict } from './import-state-dict.js';
import { ModelFileError, decodeSafetensors, type SafetensorsEntry } from './safetensors.js';
import { useCpu } from './use-cpu.test-helper.js';

useCpu();

interface Case {
  cell: string;
  layers: number;
  bidirectional: boolean;
  bias: boolean;
  nonlinearity: 'tanh' | 'relu';
  prefix: string;
  head: string | null;
  readout: 'last' | 'all';
  input_shape: number[];
  input: number[];
  output_shape: number[];
  output: number[];
}

const directory = new URL('./__fixtures__/state-dicts/', import.meta.url);
const cases = readdirSync(directory).filter((f) => f.endsWith('.json'));
const stateDict = (name: string) => decodeSafetensors(readFileSync(new URL(`${name}.safetensors`, directory))).tensors;

describe('importStateDict: PyTorch state dicts under any prefix (tooling/fixtures/state_dicts.py)', () => {
  it('has the eight fixtures', () => {
    expect(cases).toHaveLength(8);
  });
  for (const file of cases) {
    const name = file.replace(/\.json$/, '');
    it(`${name}: infers the architecture and computes PyTorch's outputs to 1e-5`, () => {
      const c = JSON.parse(readFileSync(new URL(file, directory), 'utf8')) as Case;
      const { model, found } = importStateDict(stateDict(name), {
        readout: c.readout,
        ...(c.cell === 'rnn' ? { nonlinearity: c.nonlinearity } : {}),
      });
      expect(found).toEqual({ prefix: c.prefix, head: c.head, cell: c.cell, biases: c.bias });
      expect(model.rnn.numLayers).toBe(c.layers);
      expect(model.rnn.numDirections).toBe(c.bidirectional ? 2 : 1);
      const output = tidy(() => model.forward(tensor(c.input, c.input_shape)).output.readSync());
      expect(normwiseError(output, c.output)).toBeLessThan(1e-5);
    });
  }
});

describe('importStateDict refuses what it cannot import, in one line naming what it found', () => {
  const lstm = () => stateDict('lstm-l1-rnn-head');
  const entry = (shape: number[]): SafetensorsEntry => ({ dtype: 'F32', shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });
  const cases: [string, () => Record<string, SafetensorsEntry>, Record<string, unknown>, RegExp][] = [
    [
      'a non-recurrent model',
      () => ({ 'conv.weight': entry([4, 3, 3]), 'fc.weight': entry([2, 4]) }),
      {},
      /no recurrent weights .* conv\.weight/,
    ],
    [
      'mixed prefixes',
      () => ({ ...lstm(), ...Object.fromEntries(Object.entries(lstm()).map(([k, v]) => [k.replace('rnn.', 'other.'), v])) }),
      {},
      /several prefixes \('rnn\.', 'other\.'\)|several/,
    ],
    [
      'inconsistent shapes',
      () => ({ ...lstm(), 'rnn.weight_ih_l0': entry([16, 7]), 'rnn.weight_hh_l0': entry([16, 5]) }),
      {},
      /not 4, 3 or 1 times 5|needs/,
    ],
    ['a projected LSTM', () => ({ ...lstm(), 'rnn.weight_hr_l0': entry([2, 4]) }), {}, /proj_size/],
    ['an RNN without its nonlinearity', () => stateDict('rnn-tanh-l2-rnn-out'), {}, /--nonlinearity tanh or relu/],
    [
      'a missing layer',
      () => Object.fromEntries(Object.entries(stateDict('gru-l2-rnn-head')).filter(([k]) => !k.endsWith('weight_ih_l1'))),
      {},
      /'rnn\.weight_ih_l1' is missing/,
    ],
    ['extra tensors', () => ({ ...lstm(), 'embedding.weight': entry([10, 3]) }), {}, /embedding\.weight belong to neither/],
    ['a prefix that is not there', () => lstm(), { prefix: 'encoder.' }, /no recurrent weights under the prefix 'encoder\.'/],
  ];
  for (const [name, make, options, message] of cases) {
    it(name, () => {
      let error: unknown;
      try {
        importStateDict(make(), options);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ModelFileError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
    });
  }
});
