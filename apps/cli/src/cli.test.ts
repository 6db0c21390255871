import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('./main.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');
const dir = mkdtempSync(join(tmpdir(), 'lstm-cli-'));

/** Runs the real command in a child process (TypeScript source through tsx). */
function lstm(...args: string[]) {
  const result = spawnSync(process.execPath, ['--conditions=@lstm/source', '--import', tsx, main, ...args], { encoding: 'utf8', cwd: dir });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const tiny = [
  '--task',
  'first-last',
  '--seq-len',
  '6',
  '--train-size',
  '256',
  '--validation-size',
  '64',
  '--test-size',
  '128',
  '--hidden',
  '12',
  '--lr',
  '0.02',
  '--forget-bias',
  '1',
];

/** A user mistake: non-zero exit, one line on stderr naming the problem, no stack trace. */
function expectOneLineError(r: ReturnType<typeof lstm>, pattern: RegExp) {
  expect(r.code).not.toBe(0);
  const lines = r.stderr
    .trim()
    .split('\n')
    .filter((l) => !l.startsWith('(run with --help'));
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('lstm train', () => {
  const out = join(dir, 'run');
  const first = lstm('train', ...tiny, '--epochs', '4', '--out', out, '--json');

  it('prints one JSON summary with best and final test metrics, the best epoch, parameters and the model path', () => {
    expect(first.code, first.stderr).toBe(0);
    const summary = JSON.parse(first.stdout);
    expect(summary).toMatchObject({
      task: 'first-last',
      epochs: 4,
      parameters: 4 * 12 * (1 + 12) + 2 * 4 * 12 + 12 * 4 + 4,
      model: join(out, 'model.safetensors'),
    });
    expect(summary.best_test_accuracy).toBeGreaterThan(0.5);
    expect(summary.final_test_accuracy).toBeGreaterThan(0.25);
    expect(summary.best_test_loss).toBeGreaterThan(0);
    expect(summary.best_epoch).toBeGreaterThanOrEqual(1);
  });

  it('writes one metrics.jsonl line per epoch with losses, accuracies, lr, gradient norm and seconds', () => {
    const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.epoch)).toEqual([1, 2, 3, 4]);
    for (const key of ['train_loss', 'validation_loss', 'test_loss', 'train_accuracy', 'test_accuracy', 'lr', 'grad_norm', 'seconds']) {
      expect(typeof lines[0][key], key).toBe('number');
    }
  });

  it('refuses to overwrite a saved model, leaving it intact', () => {
    const before = readFileSync(join(out, 'model.safetensors'));
    expectOneLineError(lstm('train', ...tiny, '--out', out), /already holds a model; pass --resume .*--force/);
    expect(readFileSync(join(out, 'model.safetensors')).equals(before)).toBe(true);
  });

  it('resumes a run where it stopped', () => {
    const r = lstm('train', ...tiny, '--epochs', '5', '--out', out, '--resume', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/resuming .* after epoch 4/);
    expect(readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(5);
  });

  it('continues a cpu run on tfjs-wasm, with its weights and optimizer state (issue 11)', () => {
    const r = lstm('train', ...tiny, '--epochs', '6', '--out', out, '--resume', '--backend', 'tfjs-wasm', '--json');
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(lines[5].train_loss).toBeLessThan(lines[0].train_loss);
    const evaluated = JSON.parse(lstm('eval', '--model', join(out, 'model.safetensors'), '--backend', 'tfjs-cpu', '--json').stdout);
    expect(evaluated.test_loss).toBeCloseTo(lines[5].test_loss, 4);
  });

  it('evaluates, describes and runs the saved model', () => {
    const evaluated = JSON.parse(lstm('eval', '--model', join(out, 'model.safetensors'), '--json').stdout);
    const summary = JSON.parse(readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').at(-1)!);
    expect(evaluated.test_accuracy).toBeGreaterThan(0.5);
    expect(typeof summary.test_accuracy).toBe('number');
    const described = lstm('info', join(out, 'model.safetensors'));
    expect(described.stdout).toMatch(/rnn\.weight_ih_l0\s+\[48, 1\]/);
    expect(described.stdout).toMatch(/nn\.LSTM\(input_size=1, hidden_size=12, num_layers=1, batch_first=True\)/);
    writeFileSync(join(dir, 'seq.json'), JSON.stringify([[1], [0.2], [-0.3], [0.1], [0.5], [-1]]));
    const predicted = JSON.parse(
      lstm('predict', '--model', join(out, 'model.safetensors'), '--input', join(dir, 'seq.json'), '--json').stdout,
    );
    expect(predicted[0].probabilities).toHaveLength(4);
    expect(predicted[0].probabilities.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 5);
  });
});

describe('lstm user mistakes: one line, non-zero exit', () => {
  it('an unknown task or option', () => {
    expectOneLineError(lstm('train', '--task', 'frist-last'), /argument 'frist-last' is invalid.*first-last, adding, copy, text, series/);
    expectOneLineError(lstm('train', '--task', 'adding', '--hiden', '3'), /unknown option '--hiden'/);
    expectOneLineError(lstm('train', '--task', 'adding', '--lr', 'fast'), /--lr.*'fast' is invalid.*positive number/);
  });

  it('a missing data file', () => {
    expectOneLineError(lstm('train', '--task', 'text', '--data', join(dir, 'nope.txt')), /no such file: .*nope\.txt/);
  });

  it('a corrupt or truncated model file', () => {
    writeFileSync(join(dir, 'bad.safetensors'), 'not a model at all');
    expectOneLineError(lstm('info', join(dir, 'bad.safetensors')), /bad\.safetensors: it is a text file, not a \.safetensors file/);
    const good = readFileSync(join(dir, 'run', 'model.safetensors'));
    writeFileSync(join(dir, 'cut.safetensors'), good.subarray(0, good.length - 100));
    expectOneLineError(lstm('eval', '--model', join(dir, 'cut.safetensors')), /cut\.safetensors: .*(trail|spans bytes)/);
  });

  it('text or NaN in a numeric CSV column', () => {
    writeFileSync(join(dir, 'bad.csv'), 'month,value\n1,10\n2,eleven\n3,12\n');
    expectOneLineError(
      lstm('train', '--task', 'series', '--data', join(dir, 'bad.csv'), '--columns', 'value'),
      /row 3, column 'value' is "eleven", not a number/,
    );
    writeFileSync(join(dir, 'nan.csv'), 'value\n1\nNaN\n');
    expectOneLineError(
      lstm('train', '--task', 'series', '--data', join(dir, 'nan.csv')),
      /no numeric column|row 3, column 'value' is "NaN"/,
    );
  });

  it('options that do not fit the task', () => {
    expectOneLineError(lstm('train', '--task', 'first-last', '--classes', '6'), /classes must be a square/);
    expectOneLineError(lstm('train', '--task', 'adding', '--dropout', '0.3'), /--dropout acts between stacked layers/);
    expectOneLineError(lstm('generate', '--model', join(dir, 'run', 'model.safetensors')), /not a text model/);
  });
});

describe('text and series end to end', () => {
  it('trains a character model, then generates from it', () => {
    writeFileSync(join(dir, 'abc.txt'), 'hello world. '.repeat(60));
    const r = lstm(
      'train',
      '--task',
      'text',
      '--data',
      join(dir, 'abc.txt'),
      '--hidden',
      '24',
      '--epochs',
      '8',
      '--lr',
      '0.02',
      '--batch-size',
      '4',
      '--bptt',
      '24',
      '--out',
      join(dir, 'text'),
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.final_test_bpc).toBeLessThan(1.5);
    // eval scores the text as training did (4 streams, 24-step chunks), so it repeats the run's number.
    const e = lstm('eval', '--model', join(dir, 'text', 'model.safetensors'), '--data', join(dir, 'abc.txt'), '--json');
    expect(e.code, e.stderr).toBe(0);
    expect(JSON.parse(e.stdout).test_bpc).toBeCloseTo(summary.best_test_bpc, 6);
    const g = lstm(
      'generate',
      '--model',
      join(dir, 'text', 'model.safetensors'),
      '--prime',
      'hello',
      '--length',
      '30',
      '--temperature',
      '0.5',
    );
    expect(g.code, g.stderr).toBe(0);
    expect(g.stdout).toMatch(/^hello[a-z .]{30}\n$/);
  });

  it('trains on a CSV series, reports baselines, and forecasts', () => {
    const rows = Array.from({ length: 150 }, (_, i) => `${i},${(100 + 0.2 * i + 5 * Math.sin((2 * Math.PI * i) / 12)).toFixed(3)}`);
    writeFileSync(join(dir, 'series.csv'), ['t,level', ...rows].join('\n'));
    const r = lstm(
      'train',
      '--task',
      'series',
      '--data',
      join(dir, 'series.csv'),
      '--columns',
      'level',
      '--seq-len',
      '12',
      '--hidden',
      '16',
      '--epochs',
      '30',
      '--lr',
      '0.01',
      '--out',
      join(dir, 'series'),
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.baselines['seasonal-naive rmse']).toBeGreaterThan(0);
    expect(summary.best_test_rmse).toBeLessThan(summary.baselines['naive rmse']);
    const f = JSON.parse(
      lstm('forecast', '--model', join(dir, 'series', 'model.safetensors'), '--data', join(dir, 'series.csv'), '--horizon', '6', '--json')
        .stdout,
    );
    expect(f.forecast).toHaveLength(6);
    for (const v of f.forecast) expect(Math.abs(v - 131)).toBeLessThan(15);
  });
});
