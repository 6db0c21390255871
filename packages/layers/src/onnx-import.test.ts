import { readFileSync, readdirSync } from 'node:fs';
import { LstmError, Rng, tensor, tidy } from '@lstm/core';
import { normwiseError } from '@lstm/core/testing';
import { describe, expect, it } from 'vitest';
import { exportOnnx } from './onnx-export.js';
import { importOnnx } from './onnx-import.js';
import { ModelFileError } from './safetensors.js';
import { SequenceModel } from './sequence-model.js';
import { useCpu } from './use-cpu.test-helper.js';

useCpu();

const directory = new URL('./__fixtures__/onnx/', import.meta.url);
const fixtures = readdirSync(directory).filter((f) => f.endsWith('.onnx'));

describe('importOnnx: models exported by torch.onnx.export (tooling/fixtures/onnx_models.py)', () => {
  it('has the six fixtures', () => {
    expect(fixtures.sort()).toEqual([
      'gru-l1.onnx',
      'gru-l3-bi-all.onnx',
      'lstm-l1-nobias.onnx',
      'lstm-l2-bi.onnx',
      'rnn-relu-l2-all.onnx',
      'rnn-tanh-l1-bi.onnx',
    ]);
  });
  for (const file of fixtures) {
    it(`${file}: computes PyTorch's outputs to 1e-5`, () => {
      const c = JSON.parse(readFileSync(new URL(file.replace('.onnx', '.json'), directory), 'utf8')) as {
        readout: 'last' | 'all';
        input_shape: number[];
        input: number[];
        output: number[];
      };
      const { model } = importOnnx(readFileSync(new URL(file, directory)), { readout: c.readout });
      const output = tidy(() => model.forward(tensor(c.input, c.input_shape)).output.readSync());
      expect(normwiseError(output, c.output)).toBeLessThan(1e-5);
    });
  }

  it('reads back what exportOnnx writes (a peephole LSTM, every step)', () => {
    const model = new SequenceModel({
      cell: 'lstm',
      variant: 'peephole',
      inputSize: 3,
      hiddenSize: 5,
      outputSize: 2,
      readout: 'all',
      bidirectional: true,
      seed: 4,
    });
    const back = importOnnx(exportOnnx(model), { readout: 'all' }).model;
    const rng = Rng.derive(5, 'data');
    const x = Float32Array.from({ length: 2 * 7 * 3 }, () => rng.normal());
    const [a, b] = [model, back].map((m) => tidy(() => m.forward(tensor(x, [2, 7, 3])).output.readSync()));
    expect(normwiseError(b!, Array.from(a!))).toBeLessThan(1e-6);
  });

  it('refuses bytes that are not ONNX, and graphs of operators it does not support, in one line', () => {
    expect(() => importOnnx(new TextEncoder().encode('not a model'))).toThrow(ModelFileError);
    const fixture = readFileSync(new URL('gru-l1.onnx', directory));
    const withConv = Buffer.from(fixture.toString('latin1').replaceAll('Gemm', 'Conv'), 'latin1');
    expect(() => importOnnx(withConv)).toThrow(/operators "Conv" are not supported; a recurrent model uses LSTM, GRU, RNN/);
  });
});

describe('importOnnx on damaged files', () => {
  it('turns 600 seeded bit flips and truncations of a real ONNX file into typed errors or valid models, quickly', () => {
    const original = readFileSync(new URL('lstm-l2-bi.onnx', directory));
    const rng = Rng.derive(9, 'fuzz');
    let rejected = 0;
    let accepted = 0;
    const untyped: string[] = [];
    for (let i = 0; i < 600; i++) {
      const bytes = i % 2 ? original.subarray(0, rng.int(original.length)) : Uint8Array.from(original);
      if (i % 2 === 0) for (let n = 1 + rng.int(6); n > 0; n--) bytes[rng.int(bytes.length)]! ^= 1 << rng.int(8);
      const started = performance.now();
      try {
        importOnnx(bytes);
        accepted++;
      } catch (error) {
        if (error instanceof LstmError && !(error as Error).message.includes('\n')) rejected++;
        else untyped.push(`#${i}: ${String(error)}`);
      }
      expect(performance.now() - started).toBeLessThan(1000);
    }
    expect(untyped).toEqual([]);
    expect(rejected + accepted).toBe(600);
  });
});
