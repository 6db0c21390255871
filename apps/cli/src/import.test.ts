import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cli, expectOneLineMistake } from './cli.test-helper.js';

/** `lstm import`: a PyTorch state dict becomes a model every command uses (issue 13). */
const dir = mkdtempSync(join(tmpdir(), 'lstm-import-'));
const at = (name: string) => join(dir, name);
const lstm = cli(dir);
const fixtures = fileURLToPath(new URL('../../../packages/layers/src/__fixtures__/state-dicts/', import.meta.url));

describe('lstm import', () => {
  it('imports an nn.LSTM + nn.Linear state dict; lstm predict then gives PyTorch’s probabilities', () => {
    const r = lstm('import', join(fixtures, 'lstm-l1-rnn-head.safetensors'), '--out', at('model.safetensors'), '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ cell: 'lstm', prefix: 'rnn.', head: 'head.', layers: 1, hidden_size: 4, output_size: 2 });
    const c = JSON.parse(readFileSync(join(fixtures, 'lstm-l1-rnn-head.json'), 'utf8')) as {
      input_shape: number[];
      input: number[];
      output: number[];
    };
    const [B, T, I] = c.input_shape as [number, number, number];
    const sequences = Array.from({ length: B }, (_, b) =>
      Array.from({ length: T }, (_, t) => c.input.slice((b * T + t) * I, (b * T + t + 1) * I)),
    );
    writeFileSync(at('input.json'), JSON.stringify(sequences));
    const p = lstm('predict', '--model', at('model.safetensors'), '--input', at('input.json'), '--json');
    expect(p.code, p.stderr).toBe(0);
    const predicted = JSON.parse(p.stdout) as { probabilities: number[] }[];
    predicted.forEach(({ probabilities }, b) => {
      const logits = c.output.slice(b * 2, b * 2 + 2);
      const top = Math.max(...logits);
      const exps = logits.map((l) => Math.exp(l - top));
      const total = exps[0]! + exps[1]!;
      probabilities.forEach((q, k) => {
        expect(q).toBeCloseTo(exps[k]! / total, 5);
      });
    });
    expect(lstm('info', at('model.safetensors')).code).toBe(0);
  });

  it('exports the imported model as ONNX', () => {
    const r = lstm('export', '--model', at('model.safetensors'), '--onnx', at('model.onnx'));
    expect(r.code, r.stderr).toBe(0);
    const bytes = readFileSync(at('model.onnx'));
    expect(bytes.length).toBeGreaterThan(100);
    expect(bytes.includes(Buffer.from('LSTM'))).toBe(true);
  });

  it('imports a torch.onnx.export model, which then predicts PyTorch’s probabilities', () => {
    const onnxFixtures = fileURLToPath(new URL('../../../packages/layers/src/__fixtures__/onnx/', import.meta.url));
    const r = lstm('import', join(onnxFixtures, 'gru-l1.onnx'), '--out', at('from-onnx.safetensors'), '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ cell: 'gru', hidden_size: 4, output_size: 2 });
    const c = JSON.parse(readFileSync(join(onnxFixtures, 'gru-l1.json'), 'utf8')) as {
      input_shape: number[];
      input: number[];
      output: number[];
    };
    const [B, T, I] = c.input_shape as [number, number, number];
    writeFileSync(
      at('onnx-input.json'),
      JSON.stringify(
        Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => c.input.slice((b * T + t) * I, (b * T + t + 1) * I))),
      ),
    );
    const p = lstm('predict', '--model', at('from-onnx.safetensors'), '--input', at('onnx-input.json'), '--json');
    const predicted = JSON.parse(p.stdout) as { probabilities: number[] }[];
    predicted.forEach(({ probabilities }, b) => {
      const [l0, l1] = c.output.slice(b * 2, b * 2 + 2) as [number, number];
      expect(probabilities[1]).toBeCloseTo(1 / (1 + Math.exp(l0 - l1)), 5);
    });
  });

  const cases: [string, string[], number, RegExp][] = [
    ['an ONNX path without .onnx', ['export', '--model', at('model.safetensors'), '--onnx', at('model.bin')], 2, /ends in \.onnx/],
    [
      'an nn.RNN without --nonlinearity',
      ['import', join(fixtures, 'rnn-tanh-l2-rnn-out.safetensors'), '--out', at('r.safetensors')],
      1,
      /--nonlinearity tanh or relu/,
    ],
    [
      'a file that is not a state dict',
      ['import', join(fixtures, 'lstm-l1-rnn-head.json'), '--out', at('x.safetensors')],
      1,
      /it is JSON, not a \.safetensors file/,
    ],
    [
      'an --out that is not .safetensors',
      ['import', join(fixtures, 'lstm-l1-rnn-head.safetensors'), '--out', at('m.bin')],
      2,
      /ends in \.safetensors/,
    ],
    [
      'overwriting without --force',
      ['import', join(fixtures, 'lstm-l1-rnn-head.safetensors'), '--out', at('model.safetensors')],
      2,
      /already exists; pass --force/,
    ],
    [
      'an unknown nonlinearity',
      ['import', join(fixtures, 'rnn-tanh-l2-rnn-out.safetensors'), '--nonlinearity', 'sigmoid', '--out', at('s.safetensors')],
      2,
      /--nonlinearity/,
    ],
  ];
  for (const [name, args, code, message] of cases) {
    it(name, () => {
      expectOneLineMistake(lstm(...args), code, message);
    });
  }
});
