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
  readout: 'last' | 'last-output' | 'all';
  dtype: 'F32' | 'F16' | 'BF16';
  output_kind: 'classes' | 'values';
  input_shape: number[];
  input: number[];
  output_shape: number[];
  output: number[];
}

const directory = new URL('./__fixtures__/state-dicts/', import.meta.url);
const cases = readdirSync(directory).filter((f) => f.endsWith('.json'));
const stateDict = (name: string) => decodeSafetensors(readFileSync(new URL(`${name}.safetensors`, directory))).tensors;

describe('importStateDict: PyTorch state dicts under any prefix (tooling/fixtures/state_dicts.py)', () => {
  it('has the twelve fixtures', () => {
    expect(cases).toHaveLength(12);
  });
  for (const file of cases) {
    const name = file.replace(/\.json$/, '');
    it(`${name}: infers the architecture and computes PyTorch's outputs to 1e-5`, () => {
      const c = JSON.parse(readFileSync(new URL(file, directory), 'utf8')) as Case;
      const tensors = stateDict(name);
      expect(Object.values(tensors).every((t) => (t.stored ?? 'F32') === c.dtype)).toBe(true);
      const { model, found } = importStateDict(tensors, {
        readout: c.readout,
        ...(c.output_kind === 'classes' ? { output: 'classes' } : {}),
        ...(c.cell === 'rnn' ? { nonlinearity: c.nonlinearity } : {}),
      });
      expect(found).toEqual({ prefix: c.prefix, head: c.head, cell: c.cell, biases: c.bias, output: c.output_kind, ignored: [] });
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
      /no recurrent weights .* 'conv\.weight'/,
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
    [
      'extra tensors',
      () => ({ ...lstm(), 'embedding.weight': entry([10, 3]) }),
      { output: 'classes' },
      /1 tensor\(s\) fit no part of the model — 'embedding\.weight'; .* --ignore PATTERN/,
    ],
    ['a prefix that is not there', () => lstm(), { prefix: 'encoder.' }, /no recurrent weights under the prefix 'encoder\.'/],
    [
      'a head of several outputs without --output',
      () => lstm(),
      {},
      /its head has 2 outputs; say what they are with --output classes .* or --output values/,
    ],
    [
      'a bidirectional stack without --readout',
      () => stateDict('lstm-l1-bi-rnn-fc-last-output'),
      { output: 'classes' },
      /it is bidirectional, .* give --readout last or --readout last-output/,
    ],
    [
      'an --ignore that names nothing',
      () => lstm(),
      { ignore: ['embeding.*'], output: 'classes' },
      /--ignore 'embeding\.\*' names no tensor/,
    ],
    [
      'a Linear before the recurrent layer (PyTorch)',
      () => stateDict('refuse-projection'),
      { output: 'classes' },
      /2 tensor\(s\) fit no part of the model — 'proj\.bias', 'proj\.weight'.*'proj\.weight' \[3, 6\] looks like a layer before the recurrent one/,
    ],
    [
      'a learned initial state (PyTorch)',
      () => stateDict('refuse-learned-h0'),
      { output: 'classes' },
      /'h0' \[1, 1, 4\] looks like a learned initial state.*torch\.onnx\.export/,
    ],
    [
      'two stacks (PyTorch)',
      () => stateDict('refuse-two-stacks'),
      {},
      /several prefixes \('lower\.', 'upper\.'\); a model here is one recurrent stack — choose it with --prefix/,
    ],
    [
      'two stacks, one chosen with --prefix: the other is not dropped (PyTorch)',
      () => stateDict('refuse-two-stacks'),
      { prefix: 'upper.', output: 'classes' },
      /4 tensor\(s\) fit no part of the model — 'lower\.bias_hh_l0'.*another recurrent stack under 'lower\.'\)/,
    ],
    [
      'two heads (PyTorch)',
      () => stateDict('refuse-two-heads'),
      {},
      /several layers could be the head \('fc1\.', 'fc2\.'\); choose one with --head/,
    ],
    [
      'two heads, one chosen with --head: the other is not dropped (PyTorch)',
      () => stateDict('refuse-two-heads'),
      { head: 'fc2.', output: 'classes' },
      /2 tensor\(s\) fit no part of the model — 'fc1\.bias', 'fc1\.weight'; .*\('fc2\.'\); pass --ignore/,
    ],
    [
      'float32 asked of float64 weights float32 cannot hold',
      () => ({ ...lstm(), 'rnn.weight_hh_l0': { dtype: 'F64', shape: [16, 4], data: new Float64Array(64).fill(0.1) } }),
      { dtype: 'float32', output: 'classes' },
      /float64 weights are not all float32 values/,
    ],
  ];
  it('--ignore leaves named tensors out knowingly, and says which', () => {
    const { found, model } = importStateDict(stateDict('refuse-two-stacks'), { prefix: 'upper.', ignore: ['lower.*'], output: 'classes' });
    expect(found.ignored).toEqual(['lower.bias_hh_l0', 'lower.bias_ih_l0', 'lower.weight_hh_l0', 'lower.weight_ih_l0']);
    expect(found.head).toBe('fc.');
    expect(model.inputSize).toBe(4);
  });

  it('keeps float64 weights float64 (never rounds them to float32 unasked)', () => {
    const wide = Object.fromEntries(
      Object.entries(lstm()).map(([k, v]) => [k, { ...v, dtype: 'F64' as const, data: Float64Array.from(v.data, (x) => x + 1e-12) }]),
    );
    const { model } = importStateDict(wide, { output: 'classes' });
    expect(model.rnn.dtype).toBe('float64');
    expect(model.head.parameters()[0]!.value.readSync()[0]).toBe(wide['head.weight']!.data[0]);
  });

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
