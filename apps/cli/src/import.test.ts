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
const onnxFixtures = fileURLToPath(new URL('../../../packages/layers/src/__fixtures__/onnx/', import.meta.url));

/** A fixture's input as `lstm predict` reads it (one [[x…] per step] per row), written to `name`, and PyTorch's output. */
function fixtureInput(json: string, name: string): { output: number[]; rows: number } {
  const c = JSON.parse(readFileSync(json, 'utf8')) as { input_shape: number[]; input: number[]; output: number[] };
  const [B, T, I] = c.input_shape as [number, number, number];
  const sequences = Array.from({ length: B }, (_, b) =>
    Array.from({ length: T }, (_, t) => c.input.slice((b * T + t) * I, (b * T + t + 1) * I)),
  );
  writeFileSync(at(name), JSON.stringify(sequences));
  return { output: c.output, rows: B };
}

describe('lstm import', () => {
  it('imports an nn.LSTM + nn.Linear state dict; lstm predict then gives PyTorch’s probabilities', () => {
    const r = lstm(
      'import',
      join(fixtures, 'lstm-l1-rnn-head.safetensors'),
      '--output',
      'classes',
      '--out',
      at('model.safetensors'),
      '--json',
    );
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
    const r = lstm('import', join(onnxFixtures, 'gru-l1.onnx'), '--output', 'classes', '--out', at('from-onnx.safetensors'), '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ cell: 'gru', hidden_size: 4, output_size: 2 });
    const { output } = fixtureInput(join(onnxFixtures, 'gru-l1.json'), 'onnx-input.json');
    const p = lstm('predict', '--model', at('from-onnx.safetensors'), '--input', at('onnx-input.json'), '--json');
    expect(p.code, p.stderr).toBe(0);
    const predicted = JSON.parse(p.stdout) as { probabilities: number[] }[];
    predicted.forEach(({ probabilities }, b) => {
      const [l0, l1] = output.slice(b * 2, b * 2 + 2) as [number, number];
      expect(probabilities[1]).toBeCloseTo(1 / (1 + Math.exp(l0 - l1)), 5);
    });
  });

  it('a last-step regression model (LSTM + Linear(H, 1)) predicts values, PyTorch’s to 1e-5', () => {
    const r = lstm('import', join(fixtures, 'lstm-l1-rnn-fc-regression.safetensors'), '--out', at('regression.safetensors'), '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ output: 'values', output_size: 1, readout: 'last' });
    const { output } = fixtureInput(join(fixtures, 'lstm-l1-rnn-fc-regression.json'), 'regression-input.json');
    const p = lstm('predict', '--model', at('regression.safetensors'), '--input', at('regression-input.json'), '--json');
    expect(p.code, p.stderr).toBe(0);
    const predicted = (JSON.parse(p.stdout) as { output: number[] }[]).map((r) => r.output[0]!);
    for (const [b, v] of predicted.entries()) expect(v).toBeCloseTo(output[b]!, 5);
    expect(lstm('predict', '--model', at('regression.safetensors'), '--input', at('regression-input.json')).stdout).toMatch(
      /^output \[-?\d\.\d{4}\]\n/,
    );
  });

  it('a bidirectional fc(out[:, -1]) classifier imports with --readout last-output; --raw prints PyTorch’s logits', () => {
    const file = join(fixtures, 'lstm-l1-bi-rnn-fc-last-output.safetensors');
    const r = lstm('import', file, '--readout', 'last-output', '--output', 'classes', '--out', at('bi.safetensors'), '--json');
    expect(r.code, r.stderr).toBe(0);
    const { output, rows } = fixtureInput(join(fixtures, 'lstm-l1-bi-rnn-fc-last-output.json'), 'bi-input.json');
    const p = lstm('predict', '--model', at('bi.safetensors'), '--input', at('bi-input.json'), '--raw', '--json');
    const raw = (JSON.parse(p.stdout) as { output: number[] }[]).flatMap((r) => r.output);
    expect(raw).toHaveLength(rows * 3);
    for (const [k, v] of raw.entries()) expect(v).toBeCloseTo(output[k]!, 5);
    expect(lstm('info', at('bi.safetensors')).stdout).toMatch(/head → 3 classes \(reading the output at the last step, out\[:, -1\]\)/);
  });

  it('a float16 state dict imports (widened to float32) and predicts PyTorch’s outputs', () => {
    const r = lstm('import', join(fixtures, 'gru-l2-f16.safetensors'), '--output', 'classes', '--out', at('f16.safetensors'), '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ dtype: 'float32', cell: 'gru', layers: 2 });
  });

  it('--ignore leaves named tensors out and says so', () => {
    const r = lstm(
      'import',
      join(fixtures, 'refuse-two-stacks.safetensors'),
      '--prefix',
      'upper.',
      '--ignore',
      'lower.*',
      '--output',
      'classes',
      '--out',
      at('upper.safetensors'),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/ignored 4 tensor\(s\), as --ignore asked: lower\.bias_hh_l0, /);
  });

  it('the tutorial torch.onnx.export call (no dynamic_axes, opset 9) imports; the readout is read off the graph', () => {
    const r = lstm(
      'import',
      join(onnxFixtures, 'lstm-l2-bi-opset9-static.onnx'),
      '--output',
      'classes',
      '--out',
      at('static.safetensors'),
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ readout: 'last', bidirectional: true, layers: 2 });
  });

  const cases: [string, string[], number, RegExp][] = [
    [
      'a state dict with a Linear before the LSTM',
      ['import', join(fixtures, 'refuse-projection.safetensors'), '--output', 'classes', '--out', at('p.safetensors')],
      1,
      /2 tensor\(s\) fit no part of the model — 'proj\.bias', 'proj\.weight'.*pass --ignore PATTERN/,
    ],
    [
      '--prefix choosing one of two stacks without --ignore',
      [
        'import',
        join(fixtures, 'refuse-two-stacks.safetensors'),
        '--prefix',
        'upper.',
        '--output',
        'classes',
        '--out',
        at('u.safetensors'),
      ],
      1,
      /another recurrent stack under 'lower\.'/,
    ],
    [
      '--head choosing one of two Linears without --ignore',
      ['import', join(fixtures, 'refuse-two-heads.safetensors'), '--head', 'fc2.', '--output', 'classes', '--out', at('h.safetensors')],
      1,
      /'fc1\.bias', 'fc1\.weight'/,
    ],
    [
      'a state dict with a learned initial state',
      ['import', join(fixtures, 'refuse-learned-h0.safetensors'), '--output', 'classes', '--out', at('l.safetensors')],
      1,
      /'h0' \[1, 1, 4\] looks like a learned initial state/,
    ],
    [
      'an ONNX graph with a projection before the LSTM',
      ['import', join(onnxFixtures, 'refuse-projection.onnx'), '--output', 'classes', '--out', at('po.safetensors')],
      1,
      /Add before the first LSTM: a layer the model cannot hold/,
    ],
    [
      'an ONNX GRU with a learned initial state',
      ['import', join(onnxFixtures, 'refuse-learned-state.onnx'), '--output', 'classes', '--out', at('lo.safetensors')],
      1,
      /GRU node 0's initial_h is learned/,
    ],
    [
      'a bidirectional state dict without --readout',
      ['import', join(fixtures, 'lstm-l1-bi-rnn-fc-last-output.safetensors'), '--output', 'classes', '--out', at('b.safetensors')],
      1,
      /it is bidirectional, and a state dict does not say whether the head read h_n .* or out\[:, -1\]; give --readout last or --readout last-output/,
    ],
    [
      'a classifier without --output',
      ['import', join(fixtures, 'lstm-l1-rnn-head.safetensors'), '--out', at('o.safetensors')],
      1,
      /its head has 2 outputs; say what they are with --output classes/,
    ],
    [
      'an unknown --readout',
      ['import', join(fixtures, 'lstm-l1-rnn-head.safetensors'), '--readout', 'final', '--out', at('r2.safetensors')],
      2,
      /--readout/,
    ],
    ['an ONNX path without .onnx', ['export', '--model', at('model.safetensors'), '--onnx', at('model.bin')], 2, /ends in \.onnx/],
    [
      'an nn.RNN without --nonlinearity',
      ['import', join(fixtures, 'rnn-tanh-l2-rnn-out.safetensors'), '--output', 'classes', '--out', at('r.safetensors')],
      1,
      /--nonlinearity tanh or relu/,
    ],
    [
      'a file that is not a state dict',
      ['import', join(fixtures, 'lstm-l1-rnn-head.json'), '--out', at('x.safetensors')],
      1,
      /it is JSON, not a state dict \(\.safetensors\), an ONNX model or a TF\.js model\.json/,
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
